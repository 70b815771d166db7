package dev.sliceflow.infra;

import dev.sliceflow.infra.StackSettings.VpcPlacement;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.CfnVPCEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.constructs.Construct;

/**
 * The private network path of a loader in a VPC without a NAT gateway (-c vpcEndpoints=true): an S3 gateway
 * endpoint on the subnets' route tables (parts and manifests), and interface endpoints for SQS (the load DLQ),
 * Secrets Manager (the warehouse secret, read while the function initialises, which with SnapStart is when a
 * version is published: without a path there the deploy itself fails) and STS, reachable on 443 from the loader's
 * security groups only. Lambda itself delivers the load queue's messages; the loader never polls SQS.
 * <p>
 * L1 endpoints, because the imported subnets' route tables and availability zones are not known to CDK: the S3
 * endpoint takes the route table ids as given, the interface endpoints the subnet ids (one per zone, as AWS requires).
 */
public final class LoaderEndpoints extends Construct {
    static final List<InterfaceVpcEndpointAwsService> INTERFACE_SERVICES = List.of(
            InterfaceVpcEndpointAwsService.SQS, InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            InterfaceVpcEndpointAwsService.STS);

    public LoaderEndpoints(Construct scope, String id, VpcPlacement placement) {
        super(scope, id);
        IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                .vpcId(placement.vpcId())
                .availabilityZones(Stack.of(this).getAvailabilityZones())
                .build());
        SecurityGroup endpoints = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(vpc)
                .description("sliceflow loader VPC endpoints: HTTPS from the loader security groups only")
                .allowAllOutbound(false)
                .build();
        for (String group : placement.securityGroupIds()) {
            endpoints.addIngressRule(Peer.securityGroupId(group), Port.tcp(443), "HTTPS from the loader (" + group + ")");
        }

        CfnVPCEndpoint.Builder.create(this, "S3")
                .vpcId(placement.vpcId())
                .vpcEndpointType("Gateway")
                .serviceName(GatewayVpcEndpointAwsService.S3.getName())
                .routeTableIds(placement.routeTableIds())
                .build();
        for (InterfaceVpcEndpointAwsService service : INTERFACE_SERVICES) {
            CfnVPCEndpoint.Builder.create(this, idOf(service))
                    .vpcId(placement.vpcId())
                    .vpcEndpointType("Interface")
                    .serviceName(service.getName())
                    .subnetIds(placement.subnetIds())
                    .securityGroupIds(List.of(endpoints.getSecurityGroupId()))
                    .privateDnsEnabled(true)
                    .build();
        }
    }

    private static String idOf(InterfaceVpcEndpointAwsService service) {
        if (service == InterfaceVpcEndpointAwsService.SQS) {
            return "Sqs";
        }
        return service == InterfaceVpcEndpointAwsService.STS ? "Sts" : "SecretsManager";
    }
}
