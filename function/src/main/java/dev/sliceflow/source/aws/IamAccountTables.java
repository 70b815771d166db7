package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * IAM's account-level answers CIS AWS Foundations checks first (section 1): access keys with their age and last
 * use, virtual MFA devices (the root account's among them), the password policy and the account summary. Global.
 * Access keys and the two singletons have no ARN of their own: their key is made from the user's or the account's.
 */
final class IamAccountTables {
    private IamAccountTables() {
    }

    static final AwsTable ACCESS_KEYS = AwsTable.builder("aws_iam_access_keys")
            .required("arn", STRING)
            .required("access_key_id", STRING)
            .column("user_name", STRING)
            .column("user_arn", STRING)
            .column("status", STRING)
            .column("created_at", TIMESTAMP)
            .column("last_used_at", TIMESTAMP)
            .column("last_used_service", STRING)
            .column("last_used_region", STRING)
            .key("arn")
            .global()
            .permissions("iam:ListUsers", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed")
            .scanner(IamAccountTables::accessKeys);

    private static void accessKeys(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.query(api, AwsService.IAM, "ListUsers", Map.of("MaxItems", "1000"), "ListUsersResult", "Marker",
                "Marker", users -> {
                    for (Element user : Xml.list(users, "Users")) {
                        String name = Xml.text(user, "UserName");
                        String userArn = Xml.text(user, "Arn");
                        Pages.query(api, AwsService.IAM, "ListAccessKeys", Map.of("UserName", name),
                                "ListAccessKeysResult", "Marker", "Marker",
                                keys -> rows.each(Xml.list(keys, "AccessKeyMetadata"), key -> {
                                    String id = Xml.text(key, "AccessKeyId");
                                    Element used = Xml.child(api.query(AwsService.IAM, "GetAccessKeyLastUsed",
                                            Map.of("AccessKeyId", id)), "GetAccessKeyLastUsedResult");
                                    rows.set("arn", userArn + "/access-key/" + id)
                                            .set("access_key_id", id)
                                            .set("user_name", name)
                                            .set("user_arn", userArn)
                                            .set("status", Xml.text(key, "Status"))
                                            .set("created_at", Xml.instant(key, "CreateDate"))
                                            .set("last_used_at", Xml.instant(used, "AccessKeyLastUsed",
                                                    "LastUsedDate"))
                                            .set("last_used_service", Xml.text(used, "AccessKeyLastUsed",
                                                    "ServiceName"))
                                            .set("last_used_region", Xml.text(used, "AccessKeyLastUsed", "Region"))
                                            .emit();
                                }));
                    }
                });
    }

    static final AwsTable MFA_DEVICES = AwsTable.builder("aws_iam_virtual_mfa_devices")
            .required("arn", STRING)
            .column("user_name", STRING)
            .column("user_arn", STRING)
            .column("is_root", BOOLEAN)
            .column("enabled_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .global()
            .permissions("iam:ListVirtualMFADevices")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.IAM, "ListVirtualMFADevices",
                    Map.of("AssignmentStatus", "Any", "MaxItems", "1000"), "ListVirtualMFADevicesResult", "Marker",
                    "Marker", page -> rows.each(Xml.list(page, "VirtualMFADevices"), d -> {
                        String userArn = Xml.text(d, "User", "Arn");
                        rows.set("arn", Xml.text(d, "SerialNumber"))
                                .set("user_name", Xml.text(d, "User", "UserName"))
                                .set("user_arn", userArn)
                                .set("is_root", userArn != null && userArn.endsWith(":root"))
                                .set("enabled_at", Xml.instant(d, "EnableDate"))
                                .set("tags", Xml.tags(d, "Tags").toString())
                                .emit();
                    })));

    static final AwsTable PASSWORD_POLICY = AwsTable.builder("aws_iam_password_policy")
            .required("arn", STRING)
            .column("minimum_password_length", LONG)
            .column("require_symbols", BOOLEAN)
            .column("require_numbers", BOOLEAN)
            .column("require_uppercase_characters", BOOLEAN)
            .column("require_lowercase_characters", BOOLEAN)
            .column("allow_users_to_change_password", BOOLEAN)
            .column("expire_passwords", BOOLEAN)
            .column("max_password_age", LONG)
            .column("password_reuse_prevention", LONG)
            .column("hard_expiry", BOOLEAN)
            .key("arn")
            .global()
            .permissions("iam:GetAccountPasswordPolicy")
            .scanner(IamAccountTables::passwordPolicy);

    /** One row, keyed by the account's root ARN; none when the account has no policy (NoSuchEntity). */
    private static void passwordPolicy(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        Element p;
        try {
            p = Xml.path(slice.api().query(AwsService.IAM, "GetAccountPasswordPolicy", Map.of()),
                    "GetAccountPasswordPolicyResult", "PasswordPolicy");
        } catch (AwsApiException e) {
            if ("NoSuchEntity".equals(e.errorCode())) {
                return;
            }
            throw e;
        }
        rows.one(p, policy -> rows.set("arn", root(slice))
                .set("minimum_password_length", Xml.longValue(policy, "MinimumPasswordLength"))
                .set("require_symbols", Xml.bool(policy, "RequireSymbols"))
                .set("require_numbers", Xml.bool(policy, "RequireNumbers"))
                .set("require_uppercase_characters", Xml.bool(policy, "RequireUppercaseCharacters"))
                .set("require_lowercase_characters", Xml.bool(policy, "RequireLowercaseCharacters"))
                .set("allow_users_to_change_password", Xml.bool(policy, "AllowUsersToChangePassword"))
                .set("expire_passwords", Xml.bool(policy, "ExpirePasswords"))
                .set("max_password_age", Xml.longValue(policy, "MaxPasswordAge"))
                .set("password_reuse_prevention", Xml.longValue(policy, "PasswordReusePrevention"))
                .set("hard_expiry", Xml.bool(policy, "HardExpiry"))
                .emit());
    }

    static final AwsTable ACCOUNT_SUMMARY = AwsTable.builder("aws_iam_account_summary")
            .required("arn", STRING)
            .column("account_mfa_enabled", BOOLEAN)
            .column("account_access_keys_present", BOOLEAN)
            .column("users", LONG)
            .column("roles", LONG)
            .column("groups", LONG)
            .column("policies", LONG)
            .column("mfa_devices", LONG)
            .column("mfa_devices_in_use", LONG)
            .column("summary", JSON)
            .key("arn")
            .global()
            .permissions("iam:GetAccountSummary")
            .scanner((slice, rows) -> {
                Element result = Xml.child(slice.api().query(AwsService.IAM, "GetAccountSummary", Map.of()),
                        "GetAccountSummaryResult");
                rows.one(result, r -> {
                    Map<String, String> summary = new TreeMap<>();
                    for (Element entry : Xml.list(r, "SummaryMap")) {
                        summary.put(Xml.text(entry, "key"), Xml.text(entry, "value"));
                    }
                    ObjectNode all = JsonNodeFactory.instance.objectNode();
                    summary.forEach((k, v) -> all.put(k, Values.number(v)));
                    rows.set("arn", root(slice))
                            .set("account_mfa_enabled", summary.containsKey("AccountMFAEnabled")
                                    ? "1".equals(summary.get("AccountMFAEnabled")) : null)
                            .set("account_access_keys_present", summary.containsKey("AccountAccessKeysPresent")
                                    ? "1".equals(summary.get("AccountAccessKeysPresent")) : null)
                            .set("users", Values.number(summary.get("Users")))
                            .set("roles", Values.number(summary.get("Roles")))
                            .set("groups", Values.number(summary.get("Groups")))
                            .set("policies", Values.number(summary.get("Policies")))
                            .set("mfa_devices", Values.number(summary.get("MFADevices")))
                            .set("mfa_devices_in_use", Values.number(summary.get("MFADevicesInUse")))
                            .set("summary", all.toString())
                            .emit();
                });
            });

    private static String root(AwsSlice slice) {
        return "arn:" + AwsService.Partition.of(slice.region()).arn() + ":iam::" + slice.account() + ":root";
    }
}
