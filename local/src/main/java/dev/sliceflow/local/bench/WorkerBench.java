package dev.sliceflow.local.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.worker.WorkerHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import dev.sliceflow.local.runtime.EmbeddedS3;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bench/run worker [--rows N] [--level L]}: one synthetic slice of N rows x 12 columns through the worker
 * handler into s3proxy, beside gzip alone on the very same CSV bytes (the limit the worker's pipeline hides
 * encoding and upload behind).
 */
public final class WorkerBench {
    private WorkerBench() {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int level = CsvOptions.DEFAULT_GZIP_LEVEL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--level" -> level = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --rows N --level L");
            }
        }
        run(rows, level);
    }

    static void run(long rows, int level) throws Exception {
        Path root = Files.createTempDirectory("sliceflow-bench-worker");
        EmbeddedS3 proxy = BenchSupport.startS3(root.resolve("s3"));
        try {
            Path work = root.resolve("work");
            Map<String, String> env = new HashMap<>();
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", BenchSupport.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", BenchSupport.SECRET_KEY);
            env.put("SLICEFLOW_BUCKET", "bench");
            env.put("SLICEFLOW_S3_ENDPOINT", "http://127.0.0.1:" + proxy.port());
            env.put("SLICEFLOW_SQS_ENDPOINT", "http://127.0.0.1:1");
            env.put("SLICEFLOW_WORK_DIR", work.toString());
            Settings settings = Settings.from(env);
            S3Client s3 = settings.clients().s3();
            s3.createBucket(b -> b.bucket("bench"));
            WorkerHandler handler = new WorkerHandler(settings);

            // Warm-up: the JIT compiles the same paths both measurements take.
            sync(handler, "warmup", Math.min(rows, 200_000), level);
            Path warmCsv = root.resolve("warm.csv");
            decompress(s3, manifest(s3, "warmup"), warmCsv);
            gzipSeconds(warmCsv, level);
            Files.delete(warmCsv);

            long start;
            double workerSeconds;
            long peakHeap;
            long peakDisk;
            try (BenchSupport.PeakSampler sampler = new BenchSupport.PeakSampler(work)) {
                System.gc();
                start = System.nanoTime();
                sync(handler, "measured", rows, level);
                workerSeconds = (System.nanoTime() - start) / 1e9;
                peakHeap = sampler.peakHeapBytes();
                peakDisk = sampler.peakDiskBytes();
            }
            Manifest manifest = manifest(s3, "measured");
            long stored = manifest.tables().get(0).parts().stream().mapToLong(ManifestPart::bytes).sum();
            Path csv = root.resolve("all.csv");
            long csvBytes = decompress(s3, manifest, csv);
            double gzipSeconds = gzipSeconds(csv, level);
            Files.delete(csv);

            double workerRate = rows / workerSeconds;
            double gzipRate = rows / gzipSeconds;
            System.out.printf(Locale.ROOT, "rows %d x 12 columns, gzip level %d, %d parts, CSV %.1f MB -> stored %.1f MB%n",
                    rows, level, manifest.tables().get(0).parts().size(), csvBytes / 1e6, stored / 1e6);
            System.out.printf(Locale.ROOT, "worker end to end: %.2f s, %.0f rows/s, %.1f MB/s of CSV%n",
                    workerSeconds, workerRate, csvBytes / 1e6 / workerSeconds);
            System.out.printf(Locale.ROOT, "compression only (same bytes, same level, one thread): %.2f s, %.0f rows/s, "
                    + "%.1f MB/s%n", gzipSeconds, gzipRate, csvBytes / 1e6 / gzipSeconds);
            System.out.printf(Locale.ROOT, "peak heap %.0f MB (max %d MB), peak work dir %.1f MB%n",
                    peakHeap / 1e6, Runtime.getRuntime().maxMemory() >> 20, peakDisk / 1e6);
            System.out.printf(Locale.ROOT, "worker: %.0f rows/s, compression-only %.0f rows/s, ratio %.2f, peak heap %.0f MB%n",
                    workerRate, gzipRate, workerRate / gzipRate, peakHeap / 1e6);
        } finally {
            proxy.close();
            BenchSupport.deleteRecursively(root);
        }
    }

    private static void sync(WorkerHandler handler, String syncId, long rows, int level) {
        String body = """
                {"syncId":"%s","syncTime":"2026-11-25T09:00:00Z",
                 "source":{"kind":"synthetic","options":{"rowsPerTable":"0","rows.synthetic_resources":"%d"}},
                 "account":"123456789012","region":"us-east-1","tables":["synthetic_resources"],
                 "csv":{"gzipLevel":%d}}""".formatted(syncId, rows, level);
        SQSBatchResponse response = handler.handleRequest(BenchSupport.event(body), BenchSupport.context());
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("the worker failed the bench slice; see its log above");
        }
    }

    private static Manifest manifest(S3Client s3, String syncId) {
        String key = "manifests/sync_id=" + syncId + "/account=123456789012/region=us-east-1/manifest-0.json";
        return ManifestCodec.parse(key, s3.getObjectAsBytes(b -> b.bucket("bench").key(key)).asByteArray());
    }

    /** Writes the parts' CSV, decompressed, into one file; returns its size. */
    private static long decompress(S3Client s3, Manifest manifest, Path target) throws Exception {
        try (OutputStream out = Files.newOutputStream(target)) {
            for (ManifestPart part : manifest.tables().get(0).parts()) {
                try (InputStream in = new GZIPInputStream(s3.getObject(b -> b.bucket("bench").key(part.key())), 1 << 16)) {
                    in.transferTo(out);
                }
            }
        }
        return Files.size(target);
    }

    /** gzip of the file at the level, into nothing, on this one thread. */
    private static double gzipSeconds(Path csv, int level) throws Exception {
        byte[] buffer = new byte[256 << 10];
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(csv);
             GZIPOutputStream gzip = new GZIPOutputStream(OutputStream.nullOutputStream(), 1 << 16) {
                 {
                     def.setLevel(level);
                 }
             }) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                gzip.write(buffer, 0, n);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
