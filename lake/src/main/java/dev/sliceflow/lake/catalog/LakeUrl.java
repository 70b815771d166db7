package dev.sliceflow.lake.catalog;

import dev.sliceflow.core.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a lake is, as one warehouse URL (so it fits SLICEFLOW_WAREHOUSE_URL like the SQL warehouses):
 * <pre>
 * iceberg:glue?warehouse=s3://bucket/lake/&amp;namespace=sliceflow
 * iceberg:rest:https://glue.us-east-1.amazonaws.com/iceberg?warehouse=123456789012&amp;rest.sigv4-enabled=true&amp;rest.signing-name=glue
 * iceberg:jdbc:sqlite:/data/lake-catalog.db?warehouse=s3://sliceflow-local/lake/&amp;s3.endpoint=http://127.0.0.1:9000
 * </pre>
 * Query parameters other than {@code namespace} are Iceberg catalog properties, passed through unchanged.
 *
 * @param catalog    which catalog implementation
 * @param uri        the catalog's own URI: the REST endpoint or the JDBC URL; empty for Glue
 * @param namespace  the Iceberg namespace (Glue database) holding every table; default {@code sliceflow}
 * @param properties catalog properties ({@code warehouse}, {@code s3.endpoint}, ...)
 */
public record LakeUrl(Catalog catalog, Optional<String> uri, String namespace, Map<String, String> properties) {
    public static final String SCHEME = "iceberg:";
    /** Glue database names: lower case, digits, underscores (what Athena accepts unquoted). */
    static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_]{0,254}");

    public enum Catalog { GLUE, REST, JDBC }

    public LakeUrl {
        properties = Map.copyOf(properties);
    }

    public static boolean isLake(String url) {
        return url.startsWith(SCHEME);
    }

    public static LakeUrl parse(String url) {
        if (!isLake(url)) {
            throw new InvalidInputException("lake URL " + url + " does not start with " + SCHEME);
        }
        String rest = url.substring(SCHEME.length());
        int query = rest.indexOf('?');
        String head = query < 0 ? rest : rest.substring(0, query);
        Map<String, String> params = query < 0 ? Map.of() : parameters(url, rest.substring(query + 1));
        int colon = head.indexOf(':');
        String kind = colon < 0 ? head : head.substring(0, colon);
        Optional<String> uri = colon < 0 ? Optional.empty() : Optional.of(head.substring(colon + 1));
        Catalog catalog = switch (kind) {
            case "glue" -> Catalog.GLUE;
            case "rest" -> Catalog.REST;
            case "jdbc" -> Catalog.JDBC;
            default -> throw new InvalidInputException("lake URL " + redacted(url) + ": catalog '" + kind
                    + "' is not one of glue, rest, jdbc");
        };
        switch (catalog) {
            case GLUE -> {
                if (uri.isPresent()) {
                    throw new InvalidInputException("lake URL " + redacted(url) + ": iceberg:glue takes no URI");
                }
            }
            case REST -> {
                if (uri.isEmpty() || !(uri.get().startsWith("https://") || uri.get().startsWith("http://"))) {
                    throw new InvalidInputException("lake URL " + redacted(url)
                            + ": iceberg:rest needs the catalog's http(s) URL, e.g. iceberg:rest:https://host/iceberg");
                }
            }
            case JDBC -> {
                if (uri.isEmpty()) {
                    throw new InvalidInputException("lake URL " + redacted(url)
                            + ": iceberg:jdbc needs a JDBC URL, e.g. iceberg:jdbc:sqlite:/path/catalog.db");
                }
                uri = Optional.of("jdbc:" + uri.get());
            }
        }
        if (catalog != Catalog.REST && !params.containsKey("warehouse")) {
            throw new InvalidInputException("lake URL " + redacted(url)
                    + ": warehouse=<s3 URI of the lake's root> is missing");
        }
        Map<String, String> properties = new LinkedHashMap<>(params);
        String namespace = Optional.ofNullable(properties.remove("namespace")).orElse("sliceflow");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new InvalidInputException("lake URL " + redacted(url) + ": namespace '" + namespace
                    + "' must match " + NAMESPACE.pattern());
        }
        return new LakeUrl(catalog, uri, namespace, properties);
    }

    private static Map<String, String> parameters(String url, String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("lake URL " + redacted(url) + ": parameter '" + pair
                        + "' is not key=value");
            }
            String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (params.put(key, value) != null) {
                throw new InvalidInputException("lake URL " + redacted(url) + ": parameter " + key + " is repeated");
            }
        }
        return params;
    }

    /** The URL with every credential-like parameter's value hidden, for messages and logs. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)((?:secret|password|token|credential|access-key)[a-z0-9._-]*=)[^&]*", "$1****");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("LakeUrl[").append(catalog).append(", ").append(uri.orElse("-"))
                .append(", namespace=").append(namespace);
        properties.forEach((k, v) -> b.append(", ").append(k).append('=')
                .append(redacted(k + "=" + v).substring(k.length() + 1)));
        return b.append(']').toString();
    }
}
