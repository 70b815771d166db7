package dev.sliceflow.infra;

import dev.sliceflow.infra.StackSettings.VpcPlacement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * A Java Lambda function that consumes one SQS queue, the way both sliceflow handlers run: SnapStart on published
 * versions, an alias ({@value #ALIAS}) pointing at the current version, and the event source mapping on that alias
 * (an unqualified function never gets SnapStart), the batch size and window of its {@link Spec}, partial batch
 * responses on (without ReportBatchItemFailures Lambda ignores the handler's failure list and retries the whole
 * batch), and a cap on concurrent invocations. Its own role, a log group with a retention, Lambda's JSON log format
 * (docs/decisions.md), X-Ray when the platform asks for it.
 */
public final class QueueConsumer extends Construct {
    /** The alias the event source mapping invokes. */
    public static final String ALIAS = "live";
    /** Ephemeral storage: the worker keeps at most a couple of parts in /tmp; 512 MB is also SnapStart's limit. */
    static final int EPHEMERAL_STORAGE_MB = 512;
    static final String VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole";

    /**
     * What differs between the worker and the loader.
     *
     * @param batchSize   messages per invocation (the event source mapping's BatchSize)
     * @param batchWindow how long the mapping gathers a batch before it invokes (zero: at once)
     */
    public record Spec(String functionName, String handler, int memoryMb, Duration timeout, int maxConcurrency,
                       Map<String, String> environment, Optional<VpcPlacement> vpc, int batchSize,
                       Duration batchWindow) {
    }

    /** What every function of the stack shares. */
    public record Platform(String jar, Runtime runtime, Architecture architecture, RetentionDays logRetention,
                           boolean tracing) {
        /** The same platform with another jar: the lake loader runs the lake's artifact. */
        Platform withJar(String otherJar) {
            return new Platform(otherJar, runtime, architecture, logRetention, tracing);
        }

        /**
         * The settings every function gets: JSON log format (Lambda's platform lines become JSON records with the
         * request id; our plain stdout/stderr lines pass through, counted as INFO, so the application level must
         * stay at INFO: see docs/decisions.md), and X-Ray active tracing when asked for.
         */
        void apply(Function.Builder builder) {
            builder.loggingFormat(LoggingFormat.JSON)
                    .applicationLogLevelV2(ApplicationLogLevel.INFO)
                    .systemLogLevelV2(SystemLogLevel.INFO);
            if (tracing) {
                builder.tracing(Tracing.ACTIVE);
            }
        }

        /** A function's own execution role (not CDK's default with the AWSLambdaBasicExecutionRole managed policy). */
        Role executionRole(Construct scope, String functionName) {
            return Role.Builder.create(scope, "Role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .description("Execution role of " + functionName)
                    .build();
        }

        /** The function's log group, with this platform's retention; the role may write to it and no other. */
        LogGroup logGroup(Construct scope, String functionName, Role role) {
            LogGroup logGroup = LogGroup.Builder.create(scope, "Logs")
                    .logGroupName("/aws/lambda/" + functionName)
                    .retention(logRetention)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            logGroup.grantWrite(role);
            return logGroup;
        }

        /**
         * The cdk-nag findings every function of this platform has, with their reasons: with tracing, CDK grants the
         * X-Ray write actions on "*" (as narrow as it gets); a runtime other than java25 chosen with -c runtime=.
         */
        void acknowledge(Function function, Role role) {
            if (tracing) {
                NagFindings.acknowledge(role, NagFindings.wildcardResource("*"),
                        "xray:PutTraceSegments and xray:PutTelemetryRecords (added by CDK with -c tracing=true) have"
                                + " no resource-level permissions: AWS accepts only Resource *.");
            }
            if (!runtime.runtimeEquals(Runtime.JAVA_25)) {
                NagFindings.acknowledge(function, "AwsSolutions-L1",
                        "The runtime " + runtime.getName() + " was chosen with -c runtime=...: the jar targets"
                                + " Java 21, so it runs there too; java25 is the default.");
            }
        }
    }

    private final Role role;
    private final Function function;
    private final Alias alias;

    public QueueConsumer(Construct scope, String id, Platform platform, Spec spec, IQueue queue) {
        super(scope, id);
        role = platform.executionRole(this, spec.functionName());
        LogGroup logGroup = platform.logGroup(this, spec.functionName(), role);

        Function.Builder builder = Function.Builder.create(this, "Function")
                .functionName(spec.functionName())
                .code(Code.fromAsset(platform.jar()))
                .handler(spec.handler())
                .runtime(platform.runtime())
                .architecture(platform.architecture())
                .memorySize(spec.memoryMb())
                .timeout(spec.timeout())
                .ephemeralStorageSize(Size.mebibytes(EPHEMERAL_STORAGE_MB))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(role)
                .logGroup(logGroup)
                .environment(spec.environment());
        platform.apply(builder);
        spec.vpc().ifPresent(placement -> placeInVpc(this, builder, role, placement));
        function = builder.build();
        platform.acknowledge(function, role);
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Versions are published: the alias below points at the current version, and only the alias is"
                        + " invoked (by the event source mapping).");

        alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
        alias.addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(spec.batchSize())
                .maxBatchingWindow(spec.batchWindow().toSeconds().intValue() > 0 ? spec.batchWindow() : null)
                .reportBatchItemFailures(true)
                .maxConcurrency(spec.maxConcurrency())
                .build());
    }

    /** Puts the function that {@code builder} builds into the placement's subnets and security groups. */
    static void placeInVpc(Construct scope, Function.Builder builder, Role role, VpcPlacement placement) {
        IVpc vpc = Vpc.fromVpcAttributes(scope, "Vpc", VpcAttributes.builder()
                .vpcId(placement.vpcId())
                .availabilityZones(Stack.of(scope).getAvailabilityZones())
                .build());
        List<ISubnet> subnets = placement.subnetIds().stream()
                .map(id -> Subnet.fromSubnetId(scope, "Subnet-" + id, id)).toList();
        subnets.forEach(subnet -> Annotations.of(subnet).acknowledgeWarning("@aws-cdk/aws-ec2:noSubnetRouteTableId",
                "Only the subnet ids go into the function's VpcConfig; nothing reads their route tables."));
        List<ISecurityGroup> groups = placement.securityGroupIds().stream()
                .map(id -> SecurityGroup.fromSecurityGroupId(scope, "SecurityGroup-" + id, id)).toList();
        builder.vpc(vpc).vpcSubnets(SubnetSelection.builder().subnets(subnets).build()).securityGroups(groups);
        // With our own role, CDK does not add the VPC permissions: Lambda needs them to manage the function's ENIs.
        role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName(VPC_ACCESS_POLICY));
        NagFindings.acknowledge(role, NagFindings.awsManagedPolicy(VPC_ACCESS_POLICY),
                "AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy for the network interface actions"
                        + " (ec2:CreateNetworkInterface, ...) that Lambda needs in a VPC; they accept no narrower"
                        + " resource than *, so a policy of our own could not be narrower either.");
    }

    public Role role() {
        return role;
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }
}
