package dev.sliceflow.source.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Retry policy of one slice: the SDK's standard strategy (exponential backoff with jitter, a longer backoff for
 * throttling, and its token-bucket retry budget, so a throttled or failing service cannot multiply the slice's
 * calls) with a bounded number of attempts. One strategy per client, so one service's failures do not spend
 * another's budget.
 *
 * @param maxAttempts      attempts per call, first included
 * @param baseDelay        base of the exponential backoff for transient errors
 * @param throttlingDelay  base of the exponential backoff for throttling
 * @param maxDelay         the longest single wait
 */
record AwsRetries(int maxAttempts, Duration baseDelay, Duration throttlingDelay, Duration maxDelay) {
    static final AwsRetries DEFAULT = new AwsRetries(8, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(20));

    /** Error codes AWS services answer when a caller exceeds a rate. */
    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
            "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
            "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
            "EC2ThrottledException");
    /** Error codes that are transient whatever their HTTP status. */
    static final Set<String> TRANSIENT = Set.of("RequestTimeout", "RequestTimeoutException", "InternalError",
            "InternalFailure", "ServiceUnavailable", "InternalServerError", "ServiceUnavailableException");

    AwsRetries withMaxAttempts(int attempts) {
        return new AwsRetries(attempts, baseDelay, throttlingDelay, maxDelay);
    }

    /** For the SDK clients (S3, SQS, STS): the SDK's own AWS retry conditions, our bounds. */
    RetryStrategy forSdk() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxDelay))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingDelay, maxDelay))
                .build();
    }

    /** For {@link AwsApi}: retries throttling, 5xx, transient codes and I/O errors. */
    RetryStrategy forApi() {
        return StandardRetryStrategy.builder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxDelay))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingDelay, maxDelay))
                .retryOnException(AwsRetries::retryable)
                .treatAsThrottling(AwsRetries::throttling)
                .circuitBreakerEnabled(true)
                .build();
    }

    static boolean throttling(Throwable e) {
        return e instanceof AwsApiException api && (api.statusCode() == 429 || THROTTLING.contains(api.errorCode()));
    }

    static boolean retryable(Throwable e) {
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            return true;
        }
        if (e instanceof AwsApiException api) {
            return throttling(api) || TRANSIENT.contains(api.errorCode())
                    || api.statusCode() == 500 || api.statusCode() == 502 || api.statusCode() == 503
                    || api.statusCode() == 504;
        }
        return false;
    }
}
