package dev.sliceflow.local.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.worker.WorkerHandler;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs in a fresh JVM with only the Lambda jar (and this class) on the classpath, configured by environment
 * variables as Lambda would be. {@code worker}: the handler's no-arg constructor, then one tiny slice committed.
 * {@code bare}: the same clients built, then one PutObject: the floor a handler cannot go under.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        switch (args[0]) {
            case "worker" -> {
                WorkerHandler handler = new WorkerHandler();
                String body = """
                        {"syncId":"coldstart","syncTime":"2026-11-25T09:00:00Z",
                         "source":{"kind":"synthetic","options":{"rowsPerTable":"10"}},
                         "account":"123456789012","region":"us-east-1"}""";
                SQSBatchResponse response = handler.handleRequest(BenchSupport.event(body), BenchSupport.context());
                if (!response.getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("the slice failed");
                }
            }
            case "bare" -> {
                Settings settings = Settings.fromEnvironment();
                AwsClients clients = settings.clients();
                S3Client s3 = clients.s3();
                clients.sqs();
                s3.putObject(b -> b.bucket(settings.bucket()).key("coldstart/bare.txt"), RequestBody.fromString("x"));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("committed");
        System.out.flush();
        // Lambda freezes the process here; ending it now keeps the timing to what a cold start costs.
        Runtime.getRuntime().halt(0);
    }
}
