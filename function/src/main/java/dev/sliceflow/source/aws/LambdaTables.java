package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lambda functions (REST-JSON). ListFunctions documents a subset of each function's configuration (no State, no
 * tags, no concurrency), so each function also gets one GetFunction (configuration with State, Tags, Concurrency),
 * GetPolicy (its resource policy: who may invoke it) and GetFunctionUrlConfig (a public URL is a CIS finding).
 */
final class LambdaTables {
    private LambdaTables() {
    }

    static final AwsTable FUNCTIONS = AwsTable.builder("aws_lambda_functions")
            .required("arn", STRING)
            .required("function_name", STRING)
            .column("runtime", STRING)
            .column("handler", STRING)
            .column("role", STRING)
            .column("description", STRING)
            .column("code_size", LONG)
            .column("memory_size", LONG)
            .column("timeout_seconds", LONG)
            .column("ephemeral_storage_size", LONG)
            .column("last_modified_at", TIMESTAMP)
            .column("version", STRING)
            .column("state", STRING)
            .column("state_reason", STRING)
            .column("last_update_status", STRING)
            .column("package_type", STRING)
            .column("architectures", JSON)
            .column("environment_variable_names", JSON)
            .column("vpc_config", JSON)
            .column("layers", JSON)
            .column("tracing_mode", STRING)
            .column("kms_key_arn", STRING)
            .column("reserved_concurrency", LONG)
            .column("policy", JSON)
            .column("url", STRING)
            .column("url_auth_type", STRING)
            .column("tags", JSON)
            .key("arn")
            .permissions("lambda:ListFunctions", "lambda:GetFunction", "lambda:GetPolicy",
                    "lambda:GetFunctionUrlConfig")
            .scanner(LambdaTables::functions);

    private static void functions(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.restGet(api, AwsService.LAMBDA, "ListFunctions", "/2015-03-31/functions/", Map.of("MaxItems", "50"),
                "NextMarker", "Marker", page -> rows.each(page.path("Functions"), listed -> {
                    String arn = Values.text(listed, "FunctionArn");
                    String name = URLEncoder.encode(Values.text(listed, "FunctionName"), StandardCharsets.UTF_8);
                    JsonNode function;
                    try {
                        function = api.restGet(AwsService.LAMBDA, "GetFunction", "/2015-03-31/functions/" + name,
                                Map.of());
                    } catch (AwsApiException e) {
                        if ("ResourceNotFoundException".equals(e.errorCode())) {
                            return; // deleted since ListFunctions
                        }
                        throw e;
                    }
                    JsonNode f = function.path("Configuration").isObject() ? function.path("Configuration") : listed;
                    String policy = absentAsNull(() -> Values.policy(Values.text(api.restGet(AwsService.LAMBDA,
                            "GetPolicy", "/2015-03-31/functions/" + name + "/policy", Map.of()), "Policy"), false));
                    JsonNode url = absentAsNull(() -> api.restGet(AwsService.LAMBDA, "GetFunctionUrlConfig",
                            "/2021-10-31/functions/" + name + "/url", Map.of()));
                    // Environment variable values may be secrets: only their names are kept.
                    ArrayNode envNames = JsonNodeFactory.instance.arrayNode();
                    f.path("Environment").path("Variables").fieldNames().forEachRemaining(envNames::add);
                    JsonNode tags = function.path("Tags");
                    rows.set("arn", arn)
                            .set("function_name", Values.text(f, "FunctionName"))
                            .set("runtime", Values.text(f, "Runtime"))
                            .set("handler", Values.text(f, "Handler"))
                            .set("role", Values.text(f, "Role"))
                            .set("description", Values.text(f, "Description"))
                            .set("code_size", Values.longValue(f, "CodeSize"))
                            .set("memory_size", Values.longValue(f, "MemorySize"))
                            .set("timeout_seconds", Values.longValue(f, "Timeout"))
                            .set("ephemeral_storage_size", f.path("EphemeralStorage").has("Size")
                                    ? f.path("EphemeralStorage").get("Size").asLong() : null)
                            .set("last_modified_at", Values.instant(Values.text(f, "LastModified")))
                            .set("version", Values.text(f, "Version"))
                            .set("state", Values.text(f, "State"))
                            .set("state_reason", Values.text(f, "StateReason"))
                            .set("last_update_status", Values.text(f, "LastUpdateStatus"))
                            .set("package_type", Values.text(f, "PackageType"))
                            .set("architectures", Values.json(f, "Architectures"))
                            .set("environment_variable_names", envNames.toString())
                            .set("vpc_config", Values.json(f, "VpcConfig"))
                            .set("layers", Values.json(f, "Layers"))
                            .set("tracing_mode", f.path("TracingConfig").path("Mode").asText(null))
                            .set("kms_key_arn", Values.text(f, "KMSKeyArn"))
                            .set("reserved_concurrency", Values.longValue(function.path("Concurrency"),
                                    "ReservedConcurrentExecutions"))
                            .set("policy", policy)
                            .set("url", url == null ? null : Values.text(url, "FunctionUrl"))
                            .set("url_auth_type", url == null ? null : Values.text(url, "AuthType"))
                            .set("tags", tags.isObject() ? tags.toString() : "{}")
                            .emit();
                }));
    }

    @FunctionalInterface
    private interface Call<T> {
        T get() throws Exception;
    }

    /** A per-function setting that is not configured answers ResourceNotFoundException: NULL. */
    private static <T> T absentAsNull(Call<T> call) throws Exception {
        try {
            return call.get();
        } catch (AwsApiException e) {
            if ("ResourceNotFoundException".equals(e.errorCode())) {
                return null;
            }
            throw e;
        }
    }
}
