package dev.sliceflow.local.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Lambda Context of one local invocation: a fresh request id and a deadline counting down from the timeout. */
public final class LocalContext implements Context {
    private final EventSourceMapping mapping;
    private final String requestId = UUID.randomUUID().toString();
    private final long deadlineNanos;
    private final String region;
    private final LambdaLogger logger;

    LocalContext(EventSourceMapping mapping, String region, long startNanos) {
        this.mapping = mapping;
        this.region = region;
        this.deadlineNanos = startNanos + mapping.timeout().toNanos();
        Logger log = LoggerFactory.getLogger("sliceflow.function." + mapping.functionName());
        this.logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                log.info("{} {}", requestId, message.stripTrailing());
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    /** The context of one invocation started now, for a function run outside a poller (sliceflow invoke). */
    public static Context startingNow(String functionName, java.time.Duration timeout, String region) {
        return new LocalContext(EventSourceMapping.of(functionName, 1, 1, timeout), region, System.nanoTime());
    }

    boolean timedOut() {
        return System.nanoTime() > deadlineNanos;
    }

    /** Until the function timeout (negative once past it). */
    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + mapping.functionName();
    }

    @Override
    public String getLogStreamName() {
        return "local/" + Thread.currentThread().getName();
    }

    @Override
    public String getFunctionName() {
        return mapping.functionName();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + region + ":" + EmbeddedSqs.ACCOUNT_ID + ":function:" + mapping.functionName();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        return (int) Math.max(0, remaining);
    }

    @Override
    public int getMemoryLimitInMB() {
        return mapping.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
