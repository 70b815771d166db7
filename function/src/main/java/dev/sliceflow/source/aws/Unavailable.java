package dev.sliceflow.source.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Recognises the answers that mean "this service is not there for this account and region", which make a table
 * empty rather than failed:
 * <ul>
 *   <li>the service has no endpoint in the region: its host name does not resolve and the SDK's endpoint metadata
 *   does not list the region for it (see {@link AwsApi#notInRegion});</li>
 *   <li>the account has not subscribed or opted in: OptInRequired, SubscriptionRequiredException;</li>
 *   <li>the region is an opt-in region not enabled for the account: its endpoints reject the (valid) session with
 *   AuthFailure, UnrecognizedClientException or InvalidClientTokenId. Only for the opt-in regions below, since in
 *   a default region those codes mean bad credentials, which must fail.</li>
 * </ul>
 * Everything else, AccessDenied first of all, fails the table.
 */
final class Unavailable {
    static final Set<String> NOT_SUBSCRIBED = Set.of("OptInRequired", "SubscriptionRequiredException");
    static final Set<String> REGION_DISABLED = Set.of("AuthFailure", "UnrecognizedClientException",
            "InvalidClientTokenId");
    /** Regions an account must enable before use (Account Management: "Enable or disable Regions"). */
    static final Set<String> OPT_IN_REGIONS = Set.of("af-south-1", "ap-east-1", "ap-east-2", "ap-south-2",
            "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1",
            "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1");

    private Unavailable() {
    }

    static boolean isUnavailable(Throwable e, String region) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AwsApi.ServiceNotInRegionException) {
                return true;
            }
            String code = code(t);
            if (code != null && (NOT_SUBSCRIBED.contains(code)
                    || (REGION_DISABLED.contains(code) && OPT_IN_REGIONS.contains(region)))) {
                return true;
            }
        }
        return false;
    }

    private static String code(Throwable t) {
        if (t instanceof AwsApiException api) {
            return api.errorCode();
        }
        if (t instanceof AwsServiceException sdk && sdk.awsErrorDetails() != null) {
            return sdk.awsErrorDetails().errorCode();
        }
        return null;
    }
}
