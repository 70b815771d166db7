package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.FakeAws;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs after `package`: the aws source works from the shaded Lambda jar alone (its own class loader, nothing from
 * the test class path), signing and parsing a call answered on loopback.
 */
class AwsShadedJarIT {
    private static final Path JAR = Path.of("target", "sliceflow-function.jar");

    @Test
    void awsSource_whenLoadedFromTheShadedJar_scansATable() throws Exception {
        try (FakeAws fake = new FakeAws();
             URLClassLoader jar = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader())) {
            AwsFixtures.ec2(fake);
            Class<?> regionClass = jar.loadClass("software.amazon.awssdk.regions.Region");
            Object region = regionClass.getMethod("of", String.class).invoke(null, "us-east-1");
            Class<?> credentialsClass = jar.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentials");
            Object keys = jar.loadClass("software.amazon.awssdk.auth.credentials.AwsBasicCredentials")
                    .getMethod("create", String.class, String.class).invoke(null, "AKIDEXAMPLE", "secret");
            Object provider = jar.loadClass("software.amazon.awssdk.auth.credentials.StaticCredentialsProvider")
                    .getMethod("create", credentialsClass).invoke(null, keys);
            Class<?> retriesClass = jar.loadClass("dev.sliceflow.source.aws.AwsRetries");
            Field defaults = retriesClass.getDeclaredField("DEFAULT");
            defaults.setAccessible(true);
            Class<?> factoryClass = jar.loadClass("dev.sliceflow.source.aws.AwsSourceFactory");
            Constructor<?> constructor = factoryClass.getDeclaredConstructor(regionClass,
                    jar.loadClass("software.amazon.awssdk.auth.credentials.AwsCredentialsProvider"), Optional.class,
                    Optional.class, Map.class, retriesClass, Clock.class);
            constructor.setAccessible(true);
            Object factory = constructor.newInstance(region, provider, Optional.empty(), Optional.empty(),
                    Map.of("ec2", fake.endpoint()), defaults.get(null), Clock.systemUTC());

            Class<?> specClass = jar.loadClass("dev.sliceflow.request.SourceSpec");
            Object spec = specClass.getConstructor(String.class, Map.class)
                    .newInstance("aws", Map.of("homeAccount", AwsFixtures.ACCOUNT, "concurrency", "1"));
            Class<?> requestClass = jar.loadClass("dev.sliceflow.request.SyncRequest");
            Object request = requestClass.getConstructors()[0].newInstance(1, "jar-check",
                    Instant.parse("2026-11-25T00:00:00Z"), spec, AwsFixtures.ACCOUNT, "eu-west-1",
                    List.of("aws_ec2_vpcs"), null, null, null, null);
            Class<?> sourceClass = jar.loadClass("dev.sliceflow.source.Source");
            Class<?> tableClass = jar.loadClass("dev.sliceflow.source.Table");
            Class<?> sinkClass = jar.loadClass("dev.sliceflow.source.RowSink");
            Object source = factoryClass.getMethod("open", requestClass).invoke(factory, request);
            List<Object[]> rows = new ArrayList<>();
            try (AutoCloseable closing = (AutoCloseable) source) {
                for (Object table : (List<?>) sourceClass.getMethod("tables").invoke(source)) {
                    Object schema = tableClass.getMethod("schema").invoke(table);
                    if (schema.getClass().getMethod("name").invoke(schema).equals("aws_ec2_vpcs")) {
                        Object sink = Proxy.newProxyInstance(jar, new Class<?>[] {sinkClass},
                                (proxy, method, args) -> rows.add(((Object[]) args[0]).clone()));
                        Method scan = tableClass.getMethod("scan", sinkClass);
                        scan.invoke(table, sink);
                    }
                }
            }
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)).contains("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1", "10.0.0.0/16");
            assertThat(fake.calls("ec2", "DescribeVpcs").get(0).accessKeyId()).isEqualTo("AKIDEXAMPLE");
        }
    }
}
