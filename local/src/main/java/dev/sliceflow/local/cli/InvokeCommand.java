package dev.sliceflow.local.cli;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.LocalContext;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.worker.WorkerHandler;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sliceflow invoke worker|loader --event FILE}: one handler, one event, like {@code sam local invoke}. */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Run one function's handler on an SQS event file, as Lambda would, and print its batch response.",
                "Against a running `sliceflow serve` on the same --dir, or against AWS when no local endpoint is set "
                        + "(the default credential chain, AWS_REGION and SLICEFLOW_* variables as in the stack)."})
final class InvokeCommand implements Callable<Integer> {
    enum Function { worker, loader }

    @Mixin
    DataDirOption dir;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "worker or loader.")
    Function function;

    @Option(names = "--event", required = true, paramLabel = "FILE",
            description = "An SQS event in Lambda's JSON shape, e.g. events/sqs-sync-request.json.")
    Path event;

    @Option(names = "--timeout", defaultValue = "900", paramLabel = "SECONDS",
            description = "The invocation's time limit, as getRemainingTimeInMillis reports it (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        if (!Files.isRegularFile(event)) {
            throw new IllegalStateException("event file " + event + " does not exist");
        }
        SQSEvent sqsEvent;
        try (InputStream in = Files.newInputStream(event)) {
            sqsEvent = LambdaEventSerializers.serializerFor(SQSEvent.class, InvokeCommand.class.getClassLoader())
                    .fromJson(in);
        }
        Settings settings = Settings.from(CliEnvironment.settings(dir.dir(), Map.of()));
        SQSBatchResponse response;
        long start = System.nanoTime();
        com.amazonaws.services.lambda.runtime.Context context = LocalContext.startingNow("sliceflow-" + function,
                Duration.ofSeconds(timeout), settings.region().id());
        if (function == Function.worker) {
            response = new WorkerHandler(settings).handleRequest(sqsEvent, context);
        } else {
            LoaderHandler handler = new LoaderHandler(settings);
            try {
                response = handler.handleRequest(sqsEvent, context);
            } finally {
                handler.close();
            }
        }
        out.printf("%s: %d records in %.1f s, %d failed%n", function, sqsEvent.getRecords().size(),
                (System.nanoTime() - start) / 1e9, response.getBatchItemFailures().size());
        out.print("{\"batchItemFailures\":[");
        for (int i = 0; i < response.getBatchItemFailures().size(); i++) {
            out.print((i == 0 ? "" : ",") + "{\"itemIdentifier\":\""
                    + response.getBatchItemFailures().get(i).getItemIdentifier() + "\"}");
        }
        out.println("]}");
        return response.getBatchItemFailures().isEmpty() ? 0 : 3;
    }
}
