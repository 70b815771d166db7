package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** ECS clusters (JSON 1.1). */
final class EcsTables {
    private EcsTables() {
    }

    static final AwsTable CLUSTERS = AwsTable.builder("aws_ecs_clusters")
            .required("arn", STRING)
            .required("cluster_name", STRING)
            .column("status", STRING)
            .column("registered_container_instances", LONG)
            .column("running_tasks", LONG)
            .column("pending_tasks", LONG)
            .column("active_services", LONG)
            .column("capacity_providers", JSON)
            .column("default_capacity_provider_strategy", JSON)
            .column("settings", JSON)
            .column("configuration", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ecs:ListClusters", "ecs:DescribeClusters")
            .scanner(EcsTables::ecsClusters);

    /** DescribeClusters takes at most 100 clusters a call. */
    private static final int ECS_BATCH = 100;

    private static void ecsClusters(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.ECS, "ListClusters", AwsApi.body().put("maxResults", 100), "nextToken", page -> {
            List<String> arns = new ArrayList<>();
            page.path("clusterArns").forEach(a -> arns.add(a.asText()));
            for (int from = 0; from < arns.size(); from += ECS_BATCH) {
                ObjectNode request = AwsApi.body();
                arns.subList(from, Math.min(arns.size(), from + ECS_BATCH)).forEach(request.putArray("clusters")::add);
                request.putArray("include").add("TAGS").add("SETTINGS").add("CONFIGURATIONS");
                JsonNode answer = api.json(AwsService.ECS, "DescribeClusters", request);
                rows.each(answer.path("clusters"), c -> {
                    rows.set("arn", Values.text(c, "clusterArn"))
                            .set("cluster_name", Values.text(c, "clusterName"))
                            .set("status", Values.text(c, "status"))
                            .set("registered_container_instances",
                                    Values.longValue(c, "registeredContainerInstancesCount"))
                            .set("running_tasks", Values.longValue(c, "runningTasksCount"))
                            .set("pending_tasks", Values.longValue(c, "pendingTasksCount"))
                            .set("active_services", Values.longValue(c, "activeServicesCount"))
                            .set("capacity_providers", Values.json(c, "capacityProviders"))
                            .set("default_capacity_provider_strategy",
                                    Values.json(c, "defaultCapacityProviderStrategy"))
                            .set("settings", Values.json(c, "settings"))
                            .set("configuration", Values.json(c, "configuration"))
                            .set("tags", Values.tags(c.get("tags")))
                            .emit();
                });
            }
        });
    }
}
