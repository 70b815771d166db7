package dev.sliceflow.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sliceflow} command: the pipeline on one machine. {@code serve} runs the local stack; {@code enqueue}
 * starts a sync from a spec; {@code status} follows it; {@code invoke} runs one handler on an event file;
 * {@code query} runs SQL against the warehouse; {@code reset-slice} forgets what a slice last loaded;
 * {@code reconcile} sends the load events of committed manifests never loaded again.
 */
@Command(name = "sliceflow", mixinStandardHelpOptions = true, versionProvider = SliceflowCli.Version.class,
        description = "Run the sliceflow pipeline locally: embedded S3 and SQS, the same handlers as in Lambda.",
        subcommands = {DemoCommand.class, ServeCommand.class, EnqueueCommand.class, StatusCommand.class,
                InvokeCommand.class, QueryCommand.class, ResetSliceCommand.class, ReconcileCommand.class,
                CommandLine.HelpCommand.class})
public final class SliceflowCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for main and tests. */
    static CommandLine commandLine() {
        return new CommandLine(new SliceflowCli()).setExecutionExceptionHandler(SliceflowCli::report);
    }

    /**
     * An IllegalStateException is the runtime saying what the user can fix (a port in use, a directory locked), an
     * InvalidInputException the input saying so (a spec's line and field):
     * one line, no stack trace. Anything else is a bug: the stack trace.
     */
    private static int report(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        if (e instanceof IllegalStateException || e instanceof dev.sliceflow.core.InvalidInputException) {
            command.getErr().println(command.getCommandName() + ": " + e.getMessage());
        } else {
            e.printStackTrace(command.getErr());
        }
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SliceflowCli.class.getPackage().getImplementationVersion();
            return new String[] {"sliceflow " + (version == null ? "(development build)" : version)};
        }
    }
}
