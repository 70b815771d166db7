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

    static final AwsTable CREDENTIAL_REPORT = AwsTable.builder("aws_iam_credential_report")
            .required("arn", STRING)
            .required("user_name", STRING)
            .column("is_root", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("password_enabled", BOOLEAN)
            .column("password_last_used", TIMESTAMP)
            .column("password_last_changed", TIMESTAMP)
            .column("password_next_rotation", TIMESTAMP)
            .column("mfa_active", BOOLEAN)
            .column("access_key_1_active", BOOLEAN)
            .column("access_key_1_last_rotated", TIMESTAMP)
            .column("access_key_1_last_used", TIMESTAMP)
            .column("access_key_2_active", BOOLEAN)
            .column("access_key_2_last_rotated", TIMESTAMP)
            .column("access_key_2_last_used", TIMESTAMP)
            .column("cert_1_active", BOOLEAN)
            .column("cert_2_active", BOOLEAN)
            .key("arn")
            .global()
            .permissions("iam:GenerateCredentialReport", "iam:GetCredentialReport")
            .scanner(IamAccountTables::credentialReport);

    /** How long to wait for IAM to finish a credential report (it takes seconds; it is cached for four hours). */
    private static final int REPORT_POLLS = 30;
    private static final long REPORT_POLL_MILLIS = 2000;

    /**
     * The credential report: one row per user and one for the root account, the CIS inputs no other call gives
     * (root's MFA and key use, password last used). Generated, polled until COMPLETE, then read as CSV.
     */
    private static void credentialReport(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        for (int poll = 0; ; poll++) {
            String state = Xml.text(api.query(AwsService.IAM, "GenerateCredentialReport", Map.of()),
                    "GenerateCredentialReportResult", "State");
            if ("COMPLETE".equals(state)) {
                break;
            }
            if (poll >= REPORT_POLLS) {
                throw new IllegalStateException("iam GenerateCredentialReport still " + state + " after "
                        + REPORT_POLLS * REPORT_POLL_MILLIS / 1000 + " s");
            }
            Thread.sleep(REPORT_POLL_MILLIS);
        }
        String content = Xml.text(api.query(AwsService.IAM, "GetCredentialReport", Map.of()),
                "GetCredentialReportResult", "Content");
        if (content == null) {
            throw new IllegalStateException("iam GetCredentialReport answered without Content");
        }
        String csv = new String(java.util.Base64.getMimeDecoder().decode(content.strip()),
                java.nio.charset.StandardCharsets.UTF_8);
        var format = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (var parser = format.parse(new java.io.StringReader(csv))) {
            rows.each(parser, r -> {
                java.util.function.Function<String, String> v = name -> {
                    String value = r.isMapped(name) ? r.get(name) : null;
                    // N/A, no_information, not_supported: no value
                    return value == null || value.isEmpty() || value.equals("N/A") || value.equals("no_information")
                            || value.equals("not_supported") ? null : value;
                };
                java.util.function.Function<String, Boolean> flag = name -> v.apply(name) == null ? null
                        : Boolean.valueOf(v.apply(name));
                java.util.function.Function<String, java.time.Instant> time = name -> Values.instant(v.apply(name));
                rows.set("arn", v.apply("arn"))
                        .set("user_name", v.apply("user"))
                        .set("is_root", "<root_account>".equals(v.apply("user")))
                        .set("created_at", time.apply("user_creation_time"))
                        .set("password_enabled", flag.apply("password_enabled"))
                        .set("password_last_used", time.apply("password_last_used"))
                        .set("password_last_changed", time.apply("password_last_changed"))
                        .set("password_next_rotation", time.apply("password_next_rotation"))
                        .set("mfa_active", flag.apply("mfa_active"))
                        .set("access_key_1_active", flag.apply("access_key_1_active"))
                        .set("access_key_1_last_rotated", time.apply("access_key_1_last_rotated"))
                        .set("access_key_1_last_used", time.apply("access_key_1_last_used_date"))
                        .set("access_key_2_active", flag.apply("access_key_2_active"))
                        .set("access_key_2_last_rotated", time.apply("access_key_2_last_rotated"))
                        .set("access_key_2_last_used", time.apply("access_key_2_last_used_date"))
                        .set("cert_1_active", flag.apply("cert_1_active"))
                        .set("cert_2_active", flag.apply("cert_2_active"))
                        .emit();
            });
        }
    }

    private static String root(AwsSlice slice) {
        return "arn:" + AwsService.Partition.of(slice.region()).arn() + ":iam::" + slice.account() + ":root";
    }
}
