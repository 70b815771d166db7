"""Seeds a moto server with one account's resources for AwsMotoTest: every table of the aws source gets rows.

Usage: python3.11 seed.py http://127.0.0.1:PORT
Prints one JSON object with the ids the test asserts on. Lists that the source pages through get more than one
page (SNS topics: 100 a page; DynamoDB tables: Limit 100).
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "us-east-1"
PAGED = 101


def client(name, region=REGION):
    return boto3.client(name, endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


out = {}

# ---- IAM (global)
iam = client("iam")
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
role = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust, Path="/svc/",
                       Tags=[{"Key": "env", "Value": "prod"}])["Role"]
out["role_arn"] = role["Arn"]
iam.create_user(UserName="alice", Path="/staff/", Tags=[{"Key": "team", "Value": "data"}])
iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
policy = iam.create_policy(PolicyName="reader", Description="reads things", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}),
    Tags=[{"Key": "owner", "Value": "sec"}])["Policy"]
iam.attach_user_policy(UserName="alice", PolicyArn=policy["Arn"])
out["policy_arn"] = policy["Arn"]
out["access_key_id"] = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="alice", SerialNumber=mfa, AuthenticationCode1="123456",
                      AuthenticationCode2="654321")
out["mfa_serial"] = mfa
iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, PasswordReusePrevention=24,
                                   MaxPasswordAge=90)

# ---- S3 (global list; each bucket's details in its region)
s3 = client("s3")
s3.create_bucket(Bucket="sliceflow-moto-logs")
s3.put_bucket_versioning(Bucket="sliceflow-moto-logs", VersioningConfiguration={"Status": "Enabled"})
s3.put_bucket_tagging(Bucket="sliceflow-moto-logs", Tagging={"TagSet": [{"Key": "cost", "Value": "42"}]})
s3.put_public_access_block(Bucket="sliceflow-moto-logs", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_encryption(Bucket="sliceflow-moto-logs", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
s3.put_bucket_policy(Bucket="sliceflow-moto-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::sliceflow-moto-logs/*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
s3eu = client("s3", "eu-west-1")
s3eu.create_bucket(Bucket="sliceflow-moto-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3eu.put_bucket_versioning(Bucket="sliceflow-moto-eu", VersioningConfiguration={"Status": "Enabled"})
s3.create_bucket(Bucket="sliceflow-moto-access", ACL="log-delivery-write")
s3.put_bucket_logging(Bucket="sliceflow-moto-logs", BucketLoggingStatus={"LoggingEnabled": {
    "TargetBucket": "sliceflow-moto-access", "TargetPrefix": "access/"}})
s3.put_bucket_lifecycle_configuration(Bucket="sliceflow-moto-logs", LifecycleConfiguration={"Rules": [{
    "ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 30}}]})
s3.put_bucket_ownership_controls(Bucket="sliceflow-moto-logs", OwnershipControls={
    "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
s3.put_bucket_replication(Bucket="sliceflow-moto-logs", ReplicationConfiguration={
    "Role": "arn:aws:iam::123456789012:role/svc/worker", "Rules": [{"ID": "to-eu", "Status": "Enabled",
    "Priority": 1, "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"},
    "Destination": {"Bucket": "arn:aws:s3:::sliceflow-moto-eu"}}]})

# ---- SQS
sqs = client("sqs")
dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sqs.create_queue(QueueName="jobs", tags={"app": "sliceflow"}, Attributes={
    "VisibilityTimeout": "60", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})

# ---- SNS: more than one page of topics
sns = client("sns")
for i in range(PAGED):
    sns.create_topic(Name="topic-%03d" % i, Tags=[{"Key": "n", "Value": str(i)}])
alerts = sns.create_topic(Name="alerts", Attributes={"DisplayName": "Alerts"})["TopicArn"]
sns.subscribe(TopicArn=alerts, Protocol="sqs", Endpoint=dlq_arn)

# ---- EC2 / VPC
ec2 = client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
    {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "main"}]}])["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
sg = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443,
                                     "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}]}])
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
instances = ec2.run_instances(ImageId=image, MinCount=2, MaxCount=2, InstanceType="t3.micro", SubnetId=subnet,
                              SecurityGroupIds=[sg], TagSpecifications=[
                                  {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "web"}]}])
out["instance_ids"] = sorted(i["InstanceId"] for i in instances["Instances"])
first = out["instance_ids"][0]
volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3", Encrypted=True,
                           TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "data", "Value": "yes"}]}])
out["volume_id"] = volume["VolumeId"]
out["snapshot_id"] = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="nightly")["SnapshotId"]
out["image_id"] = ec2.create_image(InstanceId=first, Name="web-golden")["ImageId"]
eip = ec2.allocate_address(Domain="vpc")
ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=first)
out["allocation_id"] = eip["AllocationId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
out["igw_id"] = igw
rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
out["route_table_id"] = rt
nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
out["nat_gateway_id"] = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=nat_eip)["NatGateway"]["NatGatewayId"]
acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="deny", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
out["network_acl_id"] = acl
out["flow_log_id"] = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT",
                                          LogDestinationType="s3",
                                          LogDestination="arn:aws:s3:::sliceflow-moto-logs")["FlowLogIds"][0]
out["vpc_id"] = vpc
out["sg_id"] = sg

# ---- Lambda
lam = client("lambda")
import io
import zipfile
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("handler.py", "def handle(event, context):\n    return event\n")
fn = lam.create_function(FunctionName="resize", Runtime="python3.11", Role=role["Arn"], Handler="handler.handle",
                         Code={"ZipFile": buf.getvalue()}, Timeout=30, MemorySize=256,
                         Environment={"Variables": {"SECRET": "do-not-copy", "MODE": "x"}},
                         Tags={"app": "sliceflow"})
lam.add_permission(FunctionName="resize", StatementId="s3", Action="lambda:InvokeFunction",
                   Principal="s3.amazonaws.com")
lam.put_function_concurrency(FunctionName="resize", ReservedConcurrentExecutions=5)
out["function_arn"] = fn["FunctionArn"]

# ---- DynamoDB: more than one page of tables
ddb = client("dynamodb")
for i in range(PAGED):
    ddb.create_table(TableName="t-%03d" % i, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST", Tags=[{"Key": "n", "Value": str(i)}])
ddb.update_continuous_backups(TableName="t-000",
                              PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

# ---- KMS
kms = client("kms")
key = kms.create_key(Description="data key", Tags=[{"TagKey": "cost", "TagValue": "42"}])["KeyMetadata"]
kms.enable_key_rotation(KeyId=key["KeyId"])
kms.create_alias(AliasName="alias/data", TargetKeyId=key["KeyId"])
out["key_id"] = key["KeyId"]

# ---- RDS
rds = client("rds")
rds.create_db_instance(DBInstanceIdentifier="db1", DBInstanceClass="db.t3.micro", Engine="postgres",
                       MasterUsername="admin", MasterUserPassword="password1", AllocatedStorage=20,
                       StorageEncrypted=True, EnableIAMDatabaseAuthentication=True,
                       Tags=[{"Key": "tier", "Value": "db"}])
rds.create_db_cluster(DBClusterIdentifier="cluster1", Engine="aurora-postgresql", MasterUsername="admin",
                      MasterUserPassword="password1", Tags=[{"Key": "tier", "Value": "db"}])

# ---- CloudTrail
ct = client("cloudtrail")
ct.create_trail(Name="org-trail", S3BucketName="sliceflow-moto-logs", IsMultiRegionTrail=True,
                TagsList=[{"Key": "sec", "Value": "yes"}])
ct.start_logging(Name="org-trail")

# ---- ECS
ecs = client("ecs")
ecs.create_cluster(clusterName="apps", tags=[{"key": "team", "value": "platform"}])

# ---- CloudWatch Logs and alarms
logs = client("logs")
logs.create_log_group(logGroupName="/app/web", kmsKeyId=key["Arn"])
logs.put_retention_policy(logGroupName="/app/web", retentionInDays=365)
cw = client("cloudwatch")
cw.put_metric_alarm(AlarmName="root-usage", MetricName="RootAccountUsage", Namespace="CISBenchmark",
                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1.0,
                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[alerts])

# ---- ELBv2: a load balancer with a listener, and a target group
subnet_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
elb = client("elbv2")
lb = elb.create_load_balancer(Name="web-lb", Subnets=[subnet, subnet_b], SecurityGroups=[sg],
                              Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]
tg = elb.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
out["lb_arn"] = lb

# ---- ECR, EKS
client("ecr").create_repository(repositoryName="web", imageScanningConfiguration={"scanOnPush": True},
                                imageTagMutability="IMMUTABLE")
client("eks").create_cluster(name="prod", roleArn=role["Arn"], version="1.29",
                             resourcesVpcConfig={"subnetIds": [subnet, subnet_b], "endpointPublicAccess": False,
                                                 "endpointPrivateAccess": True}, tags={"env": "prod"})

# ---- Secrets Manager and SSM: metadata only is read, never the values
client("secretsmanager").create_secret(Name="db-password", SecretString="do-not-copy", Description="db",
                                       Tags=[{"Key": "app", "Value": "db"}])
client("ssm").put_parameter(Name="/app/token", Value="do-not-copy", Type="SecureString", Description="token")

# ---- ACM, Config, GuardDuty, EFS, Backup
out["certificate_arn"] = client("acm").request_certificate(DomainName="example.com",
                                                           ValidationMethod="DNS")["CertificateArn"]
config = client("config")
config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": role["Arn"],
                                  "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "sliceflow-moto-logs"})
config.start_configuration_recorder(ConfigurationRecorderName="default")
out["detector_id"] = client("guardduty").create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")[
    "DetectorId"]
out["file_system_id"] = client("efs").create_file_system(CreationToken="data", Encrypted=True,
                                                         Tags=[{"Key": "Name", "Value": "data"}])["FileSystemId"]
client("backup").create_backup_vault(BackupVaultName="vault1")

# ---- Security Hub, Route 53, CloudFront
client("securityhub").enable_security_hub(EnableDefaultStandards=False)
r53 = client("route53")
zone = r53.create_hosted_zone(Name="example.com.", CallerReference="seed-1",
                              HostedZoneConfig={"Comment": "public", "PrivateZone": False})["HostedZone"]["Id"]
out["zone_id"] = zone.split("/")[-1]
r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=out["zone_id"],
                             AddTags=[{"Key": "team", "Value": "dns"}])
out["distribution_id"] = client("cloudfront").create_distribution(DistributionConfig={
    "CallerReference": "seed-1", "Comment": "web", "Enabled": True,
    "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
    "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "sliceflow-moto-logs.s3.amazonaws.com",
                                          "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                             "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                              "Cookies": {"Forward": "none"}}}})["Distribution"]["Id"]

print(json.dumps(out))
