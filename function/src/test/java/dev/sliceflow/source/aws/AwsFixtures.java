package dev.sliceflow.source.aws;

import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One account's resources as the AWS APIs answer them (shapes per the API references), served by {@link FakeAws}.
 * Lists that paginate in AWS answer in several pages here.
 */
final class AwsFixtures {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    /** Instances per DescribeInstances page, and pages. */
    static final int INSTANCE_PAGES = 3;

    private AwsFixtures() {
    }

    static String encoded(String json) {
        return URLEncoder.encode(json, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/a+b c\"}]}";

    static void install(FakeAws fake) {
        emptyAnswers(fake);
        iam(fake);
        iamPolicyTags(fake);
        iamCredentialReport(fake);
        ec2(fake);
        lambda(fake);
        dynamodb(fake);
        kms(fake);
        sns(fake);
        rds(fake);
        cloudtrail(fake);
        ecs(fake);
    }

    /**
     * For every operation no fixture answers: an empty, well-formed answer in its protocol (the account has none of
     * that resource), so a test that opens every table never sees "no route". Exact routes win over these.
     */
    static void emptyAnswers(FakeAws fake) {
        for (String service : AwsTestSupport.serviceIds()) {
            fake.on(service, "", call -> {
                String action = call.params().get("Action");
                if (call.header("Content-Type") != null && call.header("Content-Type")
                        .startsWith("application/x-www-form-urlencoded") && action != null) {
                    return Answer.xml("<" + action + "Response><" + action + "Result/></" + action + "Response>");
                }
                if (call.path().startsWith("/2013-04-01") || call.path().startsWith("/2020-05-31")) {
                    return Answer.xml("<Empty/>");
                }
                if (service.equals("securityhub")) { // DescribeHub where the hub is not enabled
                    return Answer.jsonError(400, "InvalidAccessException", "not subscribed to AWS Security Hub");
                }
                return Answer.json("{}");
            });
        }
    }

    static void iam(FakeAws fake) {
        fake.on("iam", "GetAccountAuthorizationDetails", call -> {
            String filter = call.params().get("Filter.member.1");
            boolean second = "page2".equals(call.params().get("Marker"));
            String body = switch (filter) {
                case "User" -> second ? """
                        <UserDetailList><member><UserName>bob</UserName><UserId>AIDB</UserId><Path>/</Path>
                        <Arn>arn:aws:iam::123456789012:user/bob</Arn><CreateDate>2021-01-01T00:00:00Z</CreateDate>
                        <GroupList/><UserPolicyList/><AttachedManagedPolicies/><Tags/></member></UserDetailList>
                        """ : """
                        <UserDetailList><member><UserName>alice</UserName><UserId>AIDA</UserId><Path>/staff/</Path>
                        <Arn>arn:aws:iam::123456789012:user/staff/alice</Arn>
                        <CreateDate>2020-05-06T07:08:09.123Z</CreateDate>
                        <GroupList><member>admins</member></GroupList>
                        <UserPolicyList><member><PolicyName>inline</PolicyName><PolicyDocument>%s</PolicyDocument>
                        </member></UserPolicyList>
                        <AttachedManagedPolicies><member><PolicyName>ReadOnly</PolicyName>
                        <PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedManagedPolicies>
                        <PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>
                        <PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/boundary</PermissionsBoundaryArn>
                        </PermissionsBoundary>
                        <Tags><member><Key>team</Key><Value>data</Value></member></Tags></member></UserDetailList>
                        """.formatted(encoded(POLICY));
                case "Role" -> """
                        <RoleDetailList><member><RoleName>worker</RoleName><RoleId>AROA1</RoleId><Path>/</Path>
                        <Arn>arn:aws:iam::123456789012:role/worker</Arn><CreateDate>2022-02-03T04:05:06Z</CreateDate>
                        <AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>
                        <InstanceProfileList><member><InstanceProfileName>ip</InstanceProfileName>
                        <Arn>arn:aws:iam::123456789012:instance-profile/ip</Arn></member></InstanceProfileList>
                        <RolePolicyList/><AttachedManagedPolicies/>
                        <RoleLastUsed><LastUsedDate>2026-11-01T10:00:00Z</LastUsedDate><Region>eu-west-1</Region></RoleLastUsed>
                        <Tags><member><Key>env</Key><Value>prod</Value></member></Tags></member></RoleDetailList>
                        """.formatted(encoded(TRUST));
                case "LocalManagedPolicy" -> """
                        <Policies><member><PolicyName>reader</PolicyName><PolicyId>ANPA1</PolicyId><Path>/</Path>
                        <Arn>arn:aws:iam::123456789012:policy/reader</Arn><DefaultVersionId>v2</DefaultVersionId>
                        <AttachmentCount>3</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>
                        <IsAttachable>true</IsAttachable><Description>reads things</Description>
                        <CreateDate>2020-01-01T00:00:00Z</CreateDate><UpdateDate>2021-01-01T00:00:00Z</UpdateDate>
                        <PolicyVersionList>
                        <member><Document>%s</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>
                        <member><Document>%s</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>
                        </PolicyVersionList></member></Policies>
                        """.formatted(encoded(TRUST), encoded(POLICY));
                default -> throw new IllegalArgumentException(filter);
            };
            boolean truncated = "User".equals(filter) && !second;
            return Answer.xml("""
                    <GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                    <GetAccountAuthorizationDetailsResult><IsTruncated>%s</IsTruncated>%s%s
                    </GetAccountAuthorizationDetailsResult>
                    <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>
                    """.formatted(truncated, truncated ? "<Marker>page2</Marker>" : "", body));
        });
    }

    static void ec2(FakeAws fake) {
        fake.on("ec2", "DescribeInstances", call -> {
            String token = call.params().get("NextToken");
            int page = token == null ? 0 : Integer.parseInt(token.substring(1));
            StringBuilder instances = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                String id = "i-" + page + i;
                instances.append("""
                        <item><instanceId>%s</instanceId><imageId>ami-1</imageId>
                        <instanceState><code>16</code><name>running</name></instanceState>
                        <privateDnsName>ip-10-0-0-1.ec2.internal</privateDnsName><dnsName/>
                        <instanceType>t3.micro</instanceType><launchTime>2024-03-04T05:06:07.000Z</launchTime>
                        <placement><availabilityZone>us-east-1a</availabilityZone></placement>
                        <subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><privateIpAddress>10.0.0.1</privateIpAddress>
                        <architecture>x86_64</architecture><platformDetails>Linux/UNIX</platformDetails>
                        <groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>
                        <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-1</volumeId>
                        <status>attached</status></ebs></item></blockDeviceMapping>
                        <metadataOptions><httpTokens>required</httpTokens></metadataOptions>
                        <tagSet><item><key>Name</key><value>web-%s</value></item></tagSet></item>
                        """.formatted(id, id));
            }
            String next = page + 1 < INSTANCE_PAGES ? "<nextToken>p" + (page + 1) + "</nextToken>" : "";
            return Answer.xml("""
                    <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>r</requestId><reservationSet><item><reservationId>r-%d</reservationId>
                    <ownerId>123456789012</ownerId><instancesSet>%s</instancesSet></item></reservationSet>%s
                    </DescribeInstancesResponse>""".formatted(page, instances, next));
        });
        fake.on("ec2", "DescribeVpcs", call -> Answer.xml("""
                <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
                <vpcSet><item><vpcId>vpc-1</vpcId><ownerId>123456789012</ownerId><state>available</state>
                <cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockAssociationSet><item><cidrBlock>10.0.0.0/16</cidrBlock>
                <associationId>vpc-cidr-assoc-1</associationId><cidrBlockState><state>associated</state></cidrBlockState>
                </item></cidrBlockAssociationSet><dhcpOptionsId>dopt-1</dhcpOptionsId>
                <instanceTenancy>default</instanceTenancy><isDefault>true</isDefault><tagSet/></item></vpcSet>
                </DescribeVpcsResponse>"""));
        fake.on("ec2", "DescribeSubnets", call -> Answer.xml("""
                <DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
                <subnetSet><item><subnetId>subnet-1</subnetId><subnetArn>arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1</subnetArn>
                <state>available</state><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/24</cidrBlock>
                <availableIpAddressCount>250</availableIpAddressCount><availabilityZone>us-east-1a</availabilityZone>
                <availabilityZoneId>use1-az1</availabilityZoneId><defaultForAz>false</defaultForAz>
                <mapPublicIpOnLaunch>false</mapPublicIpOnLaunch><ipv6CidrBlockAssociationSet/>
                <tagSet><item><key>tier</key><value>private</value></item></tagSet></item></subnetSet>
                </DescribeSubnetsResponse>"""));
        fake.on("ec2", "DescribeSecurityGroups", call -> Answer.xml("""
                <DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
                <securityGroupInfo><item><ownerId>123456789012</ownerId><groupId>sg-1</groupId><groupName>web</groupName>
                <groupDescription>web &amp; "api"</groupDescription><vpcId>vpc-1</vpcId>
                <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>
                <groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>https</description></item></ipRanges>
                <ipv6Ranges/><prefixListIds/></item></ipPermissions>
                <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp>
                </item></ipRanges></item></ipPermissionsEgress>
                <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-1</securityGroupArn>
                </item></securityGroupInfo></DescribeSecurityGroupsResponse>"""));
    }

    static void lambda(FakeAws fake) {
        fake.on("lambda", "GET /2015-03-31/functions/", call -> {
            boolean second = "m2".equals(call.params().get("Marker"));
            String name = second ? "second" : "first";
            return Answer.json("""
                    {"Functions":[{"FunctionName":"%s","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:%s",
                    "Runtime":"java21","Role":"arn:aws:iam::123456789012:role/worker","Handler":"a.B::handle",
                    "CodeSize":1234,"Description":"","Timeout":30,"MemorySize":512,
                    "LastModified":"2024-05-06T07:08:09.123+0000","CodeSha256":"x","Version":"$LATEST",
                    "Environment":{"Variables":{"SECRET":"do-not-copy","MODE":"x"}},
                    "TracingConfig":{"Mode":"PassThrough"},"PackageType":"Zip","Architectures":["arm64"],
                    "EphemeralStorage":{"Size":512}}]%s}
                    """.formatted(name, name, second ? "" : ",\"NextMarker\":\"m2\""));
        });
        // ListFunctions documents no State, tags or concurrency: GetFunction has them.
        for (String name : new String[] {"first", "second"}) {
            fake.on("lambda", "GET /2015-03-31/functions/" + name, call -> Answer.json("""
                    {"Configuration":{"FunctionName":"%s","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:%s",
                    "Runtime":"java21","Role":"arn:aws:iam::123456789012:role/worker","Handler":"a.B::handle",
                    "CodeSize":1234,"Description":"","Timeout":30,"MemorySize":512,
                    "LastModified":"2024-05-06T07:08:09.123+0000","CodeSha256":"x","Version":"$LATEST",
                    "Environment":{"Variables":{"SECRET":"do-not-copy","MODE":"x"}},
                    "TracingConfig":{"Mode":"PassThrough"},"PackageType":"Zip","Architectures":["arm64"],
                    "EphemeralStorage":{"Size":512},"State":"Active","LastUpdateStatus":"Successful"},
                    "Code":{"RepositoryType":"S3","Location":"https://awslambda.s3.amazonaws.com/presigned"},
                    "Tags":{"app":"sliceflow"}%s}
                    """.formatted(name, name, name.equals("first")
                    ? ",\"Concurrency\":{\"ReservedConcurrentExecutions\":10}" : "")));
            fake.on("lambda", "GET /2015-03-31/functions/" + name + "/policy", call -> name.equals("first")
                    ? Answer.json("{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\","
                            + "\"RevisionId\":\"r1\"}")
                    : Answer.jsonError(404, "ResourceNotFoundException", "The resource you requested does not exist."));
            fake.on("lambda", "GET /2021-10-31/functions/" + name + "/url", call -> name.equals("first")
                    ? Answer.json("{\"FunctionUrl\":\"https://abc.lambda-url.us-east-1.on.aws/\",\"AuthType\":\"NONE\"}")
                    : Answer.jsonError(404, "ResourceNotFoundException", "The resource you requested does not exist."));
        }
    }

    static void iamPolicyTags(FakeAws fake) {
        // GetAccountAuthorizationDetails answers managed policies without tags: ListPolicyTags has them
        fake.on("iam", "ListPolicyTags", call -> Answer.xml("""
                <ListPolicyTagsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListPolicyTagsResult>
                <IsTruncated>false</IsTruncated><Tags><member><Key>owner</Key><Value>sec</Value></member></Tags>
                </ListPolicyTagsResult></ListPolicyTagsResponse>"""));
    }

    /** The credential report as IAM documents it: a header, the root account, then users (base64 CSV). */
    static final String CREDENTIAL_REPORT = "user,arn,user_creation_time,password_enabled,password_last_used,"
            + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
            + "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
            + "cert_2_active,cert_2_last_rotated\n"
            + "<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,"
            + "2026-11-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,"
            + "N/A,false,N/A,false,N/A\n"
            + "alice,arn:aws:iam::123456789012:user/staff/alice,2020-05-06T07:08:09+00:00,true,no_information,"
            + "2020-05-06T07:10:00+00:00,N/A,false,true,2020-05-06T07:11:00+00:00,2026-11-20T10:00:00+00:00,"
            + "eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

    static void iamCredentialReport(FakeAws fake) {
        fake.onSequence("iam", "GenerateCredentialReport",
                Answer.xml("<GenerateCredentialReportResponse><GenerateCredentialReportResult><State>STARTED</State>"
                        + "</GenerateCredentialReportResult></GenerateCredentialReportResponse>"),
                Answer.xml("<GenerateCredentialReportResponse><GenerateCredentialReportResult><State>COMPLETE</State>"
                        + "</GenerateCredentialReportResult></GenerateCredentialReportResponse>"));
        fake.on("iam", "GetCredentialReport", call -> Answer.xml("<GetCredentialReportResponse>"
                + "<GetCredentialReportResult><Content>" + java.util.Base64.getEncoder().encodeToString(
                        CREDENTIAL_REPORT.getBytes(StandardCharsets.UTF_8)) + "</Content><ReportFormat>text/csv"
                + "</ReportFormat></GetCredentialReportResult></GetCredentialReportResponse>"));
    }

    static void dynamodb(FakeAws fake) {
        fake.on("dynamodb", "DescribeContinuousBackups", call -> Answer.json("""
                {"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED",
                "PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"ENABLED"}}}"""));
        fake.on("dynamodb", "ListTables", call -> Answer.json(call.body().contains("ExclusiveStartTableName")
                ? "{\"TableNames\":[\"orders\"]}"
                : "{\"TableNames\":[\"gone\"],\"LastEvaluatedTableName\":\"gone\"}"));
        fake.on("dynamodb", "DescribeTable", call -> call.body().contains("\"gone\"")
                ? Answer.jsonError(400, "ResourceNotFoundException", "Requested resource not found")
                : Answer.json("""
                {"Table":{"TableName":"orders","TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/orders",
                "TableId":"t-1","TableStatus":"ACTIVE","CreationDateTime":1.700000000123456E9,"ItemCount":42,
                "TableSizeBytes":4096,"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},
                "ProvisionedThroughput":{"ReadCapacityUnits":0,"WriteCapacityUnits":0},
                "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
                "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
                "DeletionProtectionEnabled":true}}"""));
        fake.on("dynamodb", "ListTagsOfResource", call -> Answer.json(
                "{\"Tags\":[{\"Key\":\"owner\",\"Value\":\"shop\"}]}"));
    }

    static void kms(FakeAws fake) {
        fake.on("kms", "ListKeys", call -> Answer.json("""
                {"Keys":[{"KeyId":"k-1","KeyArn":"arn:aws:kms:us-east-1:123456789012:key/k-1"},
                {"KeyId":"k-2","KeyArn":"arn:aws:kms:us-east-1:123456789012:key/k-2"}],"Truncated":false}"""));
        fake.on("kms", "DescribeKey", call -> {
            boolean customer = call.body().contains("k-1");
            String id = customer ? "k-1" : "k-2";
            return Answer.json("""
                    {"KeyMetadata":{"AWSAccountId":"123456789012","KeyId":"%s",
                    "Arn":"arn:aws:kms:us-east-1:123456789012:key/%s","CreationDate":1.6E9,"Enabled":true,
                    "Description":"%s","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"Enabled","Origin":"AWS_KMS",
                    "KeyManager":"%s","KeySpec":"%s","MultiRegion":false}}""".formatted(id, id,
                    customer ? "data key" : "Default key for S3", customer ? "CUSTOMER" : "AWS",
                    customer ? "SYMMETRIC_DEFAULT" : "RSA_2048"));
        });
        fake.on("kms", "GetKeyPolicy", call -> Answer.json(
                "{\"PolicyName\":\"default\",\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\"}"));
        fake.on("kms", "GetKeyRotationStatus", call -> Answer.json("{\"KeyRotationEnabled\":true}"));
        fake.on("kms", "ListResourceTags", call -> Answer.json(
                "{\"Tags\":[{\"TagKey\":\"cost\",\"TagValue\":\"42\"}],\"Truncated\":false}"));
    }

    static void sns(FakeAws fake) {
        fake.on("sns", "ListTopics", call -> Answer.xml("""
                <ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics>
                <member><TopicArn>arn:aws:sns:us-east-1:123456789012:alerts</TopicArn></member></Topics>
                </ListTopicsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>"""));
        fake.on("sns", "GetTopicAttributes", call -> Answer.xml("""
                <GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetTopicAttributesResult>
                <Attributes><entry><key>TopicArn</key><value>arn:aws:sns:us-east-1:123456789012:alerts</value></entry>
                <entry><key>Owner</key><value>123456789012</value></entry>
                <entry><key>DisplayName</key><value>Alerts</value></entry>
                <entry><key>SubscriptionsConfirmed</key><value>2</value></entry>
                <entry><key>SubscriptionsPending</key><value>0</value></entry>
                <entry><key>SubscriptionsDeleted</key><value>1</value></entry>
                <entry><key>Policy</key><value>{"Version":"2008-10-17","Statement":[]}</value></entry>
                </Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>"""));
        fake.on("sns", "ListTagsForResource", call -> Answer.xml("""
                <ListTagsForResourceResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTagsForResourceResult>
                <Tags><member><Key>team</Key><Value>ops</Value></member></Tags></ListTagsForResourceResult>
                </ListTagsForResourceResponse>"""));
    }

    static void rds(FakeAws fake) {
        fake.on("rds", "DescribeDBInstances", call -> Answer.xml("""
                <DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult>
                <DBInstances><DBInstance><DBInstanceIdentifier>db1</DBInstanceIdentifier>
                <DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:db1</DBInstanceArn>
                <DbiResourceId>db-ABC</DbiResourceId><DBInstanceClass>db.t3.micro</DBInstanceClass>
                <Engine>postgres</Engine><EngineVersion>16.3</EngineVersion><DBInstanceStatus>available</DBInstanceStatus>
                <MasterUsername>admin</MasterUsername><Endpoint><Address>db1.x.us-east-1.rds.amazonaws.com</Address>
                <Port>5432</Port></Endpoint><AllocatedStorage>20</AllocatedStorage><StorageType>gp3</StorageType>
                <StorageEncrypted>true</StorageEncrypted><KmsKeyId>arn:aws:kms:us-east-1:123456789012:key/k-1</KmsKeyId>
                <MultiAZ>false</MultiAZ><PubliclyAccessible>false</PubliclyAccessible>
                <AvailabilityZone>us-east-1b</AvailabilityZone><DBSubnetGroup><VpcId>vpc-1</VpcId></DBSubnetGroup>
                <VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1</VpcSecurityGroupId>
                <Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>
                <BackupRetentionPeriod>7</BackupRetentionPeriod><DeletionProtection>true</DeletionProtection>
                <InstanceCreateTime>2023-01-02T03:04:05.678Z</InstanceCreateTime>
                <TagList><Tag><Key>env</Key><Value>prod</Value></Tag></TagList></DBInstance></DBInstances>
                </DescribeDBInstancesResult></DescribeDBInstancesResponse>"""));
    }

    static void cloudtrail(FakeAws fake) {
        fake.on("cloudtrail", "DescribeTrails", call -> Answer.json("""
                {"trailList":[{"Name":"main","S3BucketName":"trail-logs","IncludeGlobalServiceEvents":true,
                "IsMultiRegionTrail":true,"HomeRegion":"us-east-1",
                "TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main","LogFileValidationEnabled":true,
                "HasCustomEventSelectors":false,"IsOrganizationTrail":false}]}"""));
        fake.on("cloudtrail", "GetTrailStatus", call -> Answer.json(
                "{\"IsLogging\":true,\"LatestDeliveryTime\":1.7E9}"));
        fake.on("cloudtrail", "ListTags", call -> Answer.json("""
                {"ResourceTagList":[{"ResourceId":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
                "TagsList":[{"Key":"audit","Value":"yes"}]}]}"""));
    }

    static void ecs(FakeAws fake) {
        fake.on("ecs", "ListClusters", call -> Answer.json(
                "{\"clusterArns\":[\"arn:aws:ecs:us-east-1:123456789012:cluster/apps\"]}"));
        fake.on("ecs", "DescribeClusters", call -> Answer.json("""
                {"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/apps","clusterName":"apps",
                "status":"ACTIVE","registeredContainerInstancesCount":0,"runningTasksCount":3,"pendingTasksCount":0,
                "activeServicesCount":2,"capacityProviders":["FARGATE"],"defaultCapacityProviderStrategy":[],
                "settings":[{"name":"containerInsights","value":"enabled"}],
                "tags":[{"key":"team","value":"platform"}]}],"failures":[]}"""));
    }
}
