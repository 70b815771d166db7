package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sliceflow.core.Json;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * IAM users, roles and customer-managed policies, global: all three from GetAccountAuthorizationDetails, which
 * answers each principal with its inline policies, attached policies and tags in one paginated call (instead of
 * several calls per user or role). IAM answers policy documents URL-encoded; the columns hold them as JSON.
 */
final class IamTables {
    private IamTables() {
    }

    private static final String DETAILS = "GetAccountAuthorizationDetails";

    static final AwsTable USERS = AwsTable.builder("aws_iam_users")
            .required("arn", STRING)
            .required("user_name", STRING)
            .column("user_id", STRING)
            .column("path", STRING)
            .column("created_at", TIMESTAMP)
            .column("groups", JSON)
            .column("inline_policies", JSON)
            .column("attached_policies", JSON)
            .column("permissions_boundary", JSON)
            .column("tags", JSON)
            .key("arn")
            .global()
            .permissions("iam:GetAccountAuthorizationDetails")
            .scanner((slice, rows) -> details(slice, rows, "User", "UserDetailList", user -> rows
                    .set("arn", Xml.text(user, "Arn"))
                    .set("user_name", Xml.text(user, "UserName"))
                    .set("user_id", Xml.text(user, "UserId"))
                    .set("path", Xml.text(user, "Path"))
                    .set("created_at", Xml.instant(user, "CreateDate"))
                    .set("groups", Xml.array(user, "GroupList").toString())
                    .set("inline_policies", inlinePolicies(user, "UserPolicyList"))
                    .set("attached_policies", attached(user))
                    .set("permissions_boundary", boundary(user))
                    .set("tags", Xml.tags(user, "Tags").toString())
                    .emit()));

    static final AwsTable ROLES = AwsTable.builder("aws_iam_roles")
            .required("arn", STRING)
            .required("role_name", STRING)
            .column("role_id", STRING)
            .column("path", STRING)
            .column("created_at", TIMESTAMP)
            .column("trust_policy", JSON)
            .column("inline_policies", JSON)
            .column("attached_policies", JSON)
            .column("instance_profiles", JSON)
            .column("permissions_boundary", JSON)
            .column("last_used_at", TIMESTAMP)
            .column("last_used_region", STRING)
            .column("tags", JSON)
            .key("arn")
            .global()
            .permissions("iam:GetAccountAuthorizationDetails")
            .scanner((slice, rows) -> details(slice, rows, "Role", "RoleDetailList", role -> {
                ArrayNode profiles = JsonNodeFactory.instance.arrayNode();
                for (Element profile : Xml.list(role, "InstanceProfileList")) {
                    profiles.addObject().put("arn", Xml.text(profile, "Arn"))
                            .put("name", Xml.text(profile, "InstanceProfileName"));
                }
                rows.set("arn", Xml.text(role, "Arn"))
                        .set("role_name", Xml.text(role, "RoleName"))
                        .set("role_id", Xml.text(role, "RoleId"))
                        .set("path", Xml.text(role, "Path"))
                        .set("created_at", Xml.instant(role, "CreateDate"))
                        .set("trust_policy", Values.policy(Xml.text(role, "AssumeRolePolicyDocument"), true))
                        .set("inline_policies", inlinePolicies(role, "RolePolicyList"))
                        .set("attached_policies", attached(role))
                        .set("instance_profiles", profiles.toString())
                        .set("permissions_boundary", boundary(role))
                        .set("last_used_at", Xml.instant(role, "RoleLastUsed", "LastUsedDate"))
                        .set("last_used_region", Xml.text(role, "RoleLastUsed", "Region"))
                        .set("tags", Xml.tags(role, "Tags").toString())
                        .emit();
            }));

    static final AwsTable POLICIES = AwsTable.builder("aws_iam_policies")
            .required("arn", STRING)
            .required("policy_name", STRING)
            .column("policy_id", STRING)
            .column("path", STRING)
            .column("description", STRING)
            .column("default_version_id", STRING)
            .column("attachment_count", LONG)
            .column("permissions_boundary_usage_count", LONG)
            .column("is_attachable", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("updated_at", TIMESTAMP)
            .column("document", JSON)
            .column("tags", JSON)
            .key("arn")
            .global()
            .permissions("iam:GetAccountAuthorizationDetails", "iam:ListPolicyTags")
            .scanner((slice, rows) -> details(slice, rows, "LocalManagedPolicy", "Policies", policy -> {
                String document = null;
                for (Element version : Xml.list(policy, "PolicyVersionList")) {
                    if ("true".equals(Xml.text(version, "IsDefaultVersion"))) {
                        document = Values.policy(Xml.text(version, "Document"), true);
                    }
                }
                rows.set("arn", Xml.text(policy, "Arn"))
                        // documented in ManagedPolicyDetail, but missing from some implementations (moto):
                        // the ARN ends with the name
                        .set("policy_name", Xml.text(policy, "PolicyName") != null ? Xml.text(policy, "PolicyName")
                                : nameOf(Xml.text(policy, "Arn")))
                        .set("policy_id", Xml.text(policy, "PolicyId"))
                        .set("path", Xml.text(policy, "Path"))
                        .set("description", Xml.text(policy, "Description"))
                        .set("default_version_id", Xml.text(policy, "DefaultVersionId"))
                        .set("attachment_count", Xml.longValue(policy, "AttachmentCount"))
                        .set("permissions_boundary_usage_count",
                                Xml.longValue(policy, "PermissionsBoundaryUsageCount"))
                        .set("is_attachable", Xml.bool(policy, "IsAttachable"))
                        .set("created_at", Xml.instant(policy, "CreateDate"))
                        .set("updated_at", Xml.instant(policy, "UpdateDate"))
                        .set("document", document)
                        .set("tags", policyTags(slice, Xml.text(policy, "Arn")))
                        .emit();
            }));

    /**
     * A managed policy's tags: GetAccountAuthorizationDetails answers policies without them (ManagedPolicyDetail
     * has no Tags), so one ListPolicyTags per customer-managed policy.
     */
    private static String policyTags(AwsSlice slice, String arn) throws Exception {
        if (arn == null) {
            return "{}";
        }
        ObjectNode tags = JsonNodeFactory.instance.objectNode();
        Pages.query(slice.api(), AwsService.IAM, "ListPolicyTags", Map.of("PolicyArn", arn), "ListPolicyTagsResult",
                "Marker", "Marker", page -> tags.setAll(Xml.tags(page, "Tags")));
        return tags.toString();
    }

    @FunctionalInterface
    private interface Entry {
        void accept(Element element) throws Exception;
    }

    private static void details(AwsSlice slice, AwsTable.Rows rows, String filter, String list, Entry entry)
            throws Exception {
        // 100 per page, not IAM's 1000: a page holds every policy version's document, and is parsed whole (DOM).
        Pages.query(slice.api(), AwsService.IAM, DETAILS, Map.of("Filter.member.1", filter, "MaxItems", "100"),
                DETAILS + "Result", "Marker", "Marker", result -> {
                    rows.each(Xml.list(result, list), entry::accept);
                });
    }

    private static String nameOf(String arn) {
        return arn == null ? null : arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static String inlinePolicies(Element principal, String list) {
        ObjectNode policies = JsonNodeFactory.instance.objectNode();
        for (Element policy : Xml.list(principal, list)) {
            String document = Values.policy(Xml.text(policy, "PolicyDocument"), true);
            policies.set(Xml.text(policy, "PolicyName"), document == null ? null
                    : readTree(document));
        }
        return policies.toString();
    }

    private static String attached(Element principal) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Element policy : Xml.list(principal, "AttachedManagedPolicies")) {
            out.addObject().put("arn", Xml.text(policy, "PolicyArn")).put("name", Xml.text(policy, "PolicyName"));
        }
        return out.toString();
    }

    private static String boundary(Element principal) {
        Element boundary = Xml.child(principal, "PermissionsBoundary");
        if (boundary == null) {
            return null;
        }
        return JsonNodeFactory.instance.objectNode()
                .put("type", Xml.text(boundary, "PermissionsBoundaryType"))
                .put("arn", Xml.text(boundary, "PermissionsBoundaryArn")).toString();
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("cannot re-read JSON " + json, e);
        }
    }
}
