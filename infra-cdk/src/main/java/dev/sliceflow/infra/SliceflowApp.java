package dev.sliceflow.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;

/**
 * The CDK app: `cd infra-cdk && npx aws-cdk@2.1148.1 deploy` (cdk.json runs this through Maven). Settings come from
 * CDK context ({@link StackSettings}); the stack is named after the prefix. cdk-nag's AwsSolutions checks run at every
 * synth, so an unacknowledged finding stops a deploy.
 */
public final class SliceflowApp {
    private SliceflowApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        try {
            createStack(app);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("sliceflow: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /**
     * Reads the settings from the app's context and adds the stack: what `main` does, and what tests do.
     *
     * @throws IllegalArgumentException for a bad context value
     * @throws IllegalStateException    when the function jar (or, with the lake, the lake loader's jar) does not exist
     */
    public static SliceflowStack createStack(App app) {
        StackSettings settings = StackSettings.fromContext(app.getNode());
        Path jar = settings.functionJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The Lambda jar " + jar.toAbsolutePath().normalize() + " does not exist."
                    + " Build it first with ./mvnw package at the repository root, or point -c functionJar=<path>"
                    + " at a built sliceflow-function.jar.");
        }
        settings.lake().map(StackSettings.Lake::loaderJar).filter(lakeJar -> !Files.isRegularFile(lakeJar))
                .ifPresent(lakeJar -> {
                    throw new IllegalStateException("The lake loader's jar " + lakeJar.toAbsolutePath().normalize()
                            + " does not exist. Build it first with ./mvnw package at the repository root (it builds"
                            + " lake/target/sliceflow-lake-loader.jar), or point -c lakeLoaderJar=<path> at one. The"
                            + " lake is the destination because no warehouse is configured: for PostgreSQL set"
                            + " -c warehouseSecretArn=... or -c warehouseUrl=jdbc:postgresql://... (docs/deploy.md).");
                });
        return new SliceflowStack(app, settings.prefix(), StackProps.builder()
                .description("sliceflow: serverless ELT (staging bucket, sync worker, loader"
                        + (settings.lake().isPresent() ? ", Iceberg lake)" : ")"))
                .build(), settings, jar.toString());
    }
}
