package dev.sliceflow.infra;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * Acknowledges cdk-nag findings one by one, each with its reason. IAM findings are granular: their id names the
 * exact action, resource or managed policy (`AwsSolutions-IAM5[Action::s3:Abort*]`), so acknowledging one never
 * hides a new wildcard that a later change adds.
 */
final class NagFindings {
    private NagFindings() {
    }

    static void acknowledge(IConstruct scope, String findingId, String reason) {
        Validations.of(scope).acknowledge(Acknowledgment.builder().id(findingId).reason(reason).build());
    }

    /** `AwsSolutions-IAM5[Action::<action>]` */
    static String wildcardAction(String action) {
        return "AwsSolutions-IAM5[Action::" + action + "]";
    }

    /** `AwsSolutions-IAM5[Resource::<resource>]`, the resource as cdk-nag prints it (see {@link #arnOf}). */
    static String wildcardResource(String resource) {
        return "AwsSolutions-IAM5[Resource::" + resource + "]";
    }

    /** `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/<name>]` */
    static String awsManagedPolicy(String name) {
        return "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/" + name + "]";
    }

    /** How cdk-nag prints the `Fn::GetAtt [X, Arn]` of a resource in a finding id: `<LogicalId.Arn>`. */
    static String arnOf(IConstruct resource) {
        CfnElement element = (CfnElement) resource.getNode().getDefaultChild();
        Stack stack = Stack.of(resource);
        return "<" + stack.resolve(stack.getLogicalId(element)) + ".Arn>";
    }
}
