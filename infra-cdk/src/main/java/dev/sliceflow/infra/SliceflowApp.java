package dev.sliceflow.infra;

import software.amazon.awscdk.App;

/** The CDK app: `cd infra-cdk && npx aws-cdk deploy`. The stack itself is built in issue 5. */
public final class SliceflowApp {
    private SliceflowApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        app.synth();
    }
}
