package dev.sliceflow.local.bench;

import java.util.Arrays;

/** {@code bench/run <name> [options]}: the benchmark harnesses. Results go to docs/performance.md. */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/run worker [--rows N] [--level L] | coldstart [--runs N] | enqueue"
                    + " [--messages N] | demo [--slices N] | loader [--rows N] | loader-batched [--manifests N]"
                    + " | seed [--workers 16,64] [--slices N] [--rows N] [--max-connections M]"
                    + " | aws-concurrency [--latency-ms N] | slice-index [--slices N] [--rows N] [--batch N]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "worker" -> WorkerBench.main(rest);
            case "coldstart" -> ColdStartBench.main(rest);
            case "enqueue" -> EnqueueBench.main(rest);
            case "demo" -> DemoBench.main(rest);
            case "loader" -> LoaderBench.main(rest);
            case "loader-batched" -> BatchedLoaderBench.main(rest);
            case "seed" -> SeedBench.main(rest);
            case "aws-concurrency" -> AwsConcurrencyBench.main(rest);
            case "slice-index" -> SliceIndexBench.main(rest);
            default -> {
                System.err.println("unknown benchmark " + args[0]
                        + "; known: worker, coldstart, enqueue, demo, loader, loader-batched, seed, aws-concurrency, slice-index");
                System.exit(2);
            }
        }
    }
}
