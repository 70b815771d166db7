package dev.sliceflow.source.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The credentials of one slice: either a role assumed in the slice's account, or the function's own credentials for
 * its home account. Resolved on first use (so a role that cannot be assumed fails each table with the reason, and the
 * manifest still commits), at most once per slice: a failure is remembered, not retried by every table; a session
 * is renewed only when it is about to expire.
 */
final class SliceCredentials implements AwsCredentialsProvider {
    /** The longest session a chained role (Lambda role -> member role) may have. */
    static final Duration SESSION = Duration.ofHours(1);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    private static final int MAX_SESSION_NAME = 64;

    private final StsClient sts;
    private final AwsCredentialsProvider base;
    private final Optional<AssumeRoleRequest> assume;
    private final String account;
    private final boolean verifyAccount;
    private final Clock clock;
    private AwsCredentials current;
    private Instant expires;
    private RuntimeException failure;

    private SliceCredentials(StsClient sts, AwsCredentialsProvider base, Optional<AssumeRoleRequest> assume,
                             String account, boolean verifyAccount, Clock clock) {
        this.sts = sts;
        this.base = base;
        this.assume = assume;
        this.account = account;
        this.verifyAccount = verifyAccount;
        this.clock = clock;
    }

    /** Assumes {@code roleArn} with the function's credentials (through {@code sts}). */
    static SliceCredentials assumeRole(StsClient sts, String account, String roleArn, Optional<String> externalId,
                                       String syncId, Clock clock) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .roleSessionName(sessionName(syncId))
                .durationSeconds((int) SESSION.toSeconds());
        externalId.ifPresent(request::externalId);
        return new SliceCredentials(sts, null, Optional.of(request.build()), account, false, clock);
    }

    /**
     * The function's own credentials, for its home account. Unless the home account was named explicitly, the first
     * use checks (STS GetCallerIdentity) that they belong to the slice's account: without a role, reading another
     * account's slice would silently inventory the wrong account.
     */
    static SliceCredentials own(StsClient sts, AwsCredentialsProvider base, String account, boolean verify,
                                Clock clock) {
        return new SliceCredentials(sts, base, Optional.empty(), account, verify, clock);
    }

    /** {@code sliceflow-<syncId>}, cut to STS's 64 characters of [\w+=,.@-]. */
    static String sessionName(String syncId) {
        String name = ("sliceflow-" + syncId).replaceAll("[^\\w+=,.@-]", "-");
        return name.length() > MAX_SESSION_NAME ? name.substring(0, MAX_SESSION_NAME) : name;
    }

    Optional<AssumeRoleRequest> assumeRoleRequest() {
        return assume;
    }

    @Override
    public synchronized AwsCredentials resolveCredentials() {
        if (failure != null) {
            throw failure;
        }
        if (current != null && (expires == null || clock.instant().isBefore(expires.minus(RENEW_BEFORE)))) {
            return current;
        }
        try {
            if (assume.isPresent()) {
                Credentials session = sts.assumeRole(assume.get()).credentials();
                current = AwsSessionCredentials.builder().accessKeyId(session.accessKeyId())
                        .secretAccessKey(session.secretAccessKey()).sessionToken(session.sessionToken())
                        .expirationTime(session.expiration()).build();
                expires = session.expiration();
            } else {
                if (verifyAccount) {
                    String caller = sts.getCallerIdentity(r -> { }).account();
                    if (!account.equals(caller)) {
                        throw new IllegalStateException("no role is configured (option roleName or roleArn, or "
                                + "SLICEFLOW_ROLE_NAME) and the function's own credentials belong to account "
                                + caller + ", not the slice's account " + account);
                    }
                }
                current = base.resolveCredentials();
                expires = current.expirationTime().orElse(null);
            }
            return current;
        } catch (RuntimeException e) {
            failure = assume.isPresent()
                    ? new IllegalStateException("cannot assume role " + assume.get().roleArn() + " for account "
                            + account + ": " + describe(e), e)
                    : e;
            throw failure;
        }
    }

    private static String describe(RuntimeException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException sdk
                && sdk.awsErrorDetails() != null && sdk.awsErrorDetails().errorCode() != null) {
            return sdk.awsErrorDetails().errorCode() + ": " + e.getMessage();
        }
        return e.getMessage();
    }

    @Override
    public String toString() {
        return "SliceCredentials[account=" + account + assume.map(a -> ", role=" + a.roleArn()).orElse("") + "]";
    }
}
