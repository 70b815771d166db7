package dev.sliceflow.source.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/** Pagination over {@link AwsApi}: follows each protocol's next-page token until the last page. */
final class Pages {
    @FunctionalInterface
    interface XmlPage {
        void accept(Element result) throws Exception;
    }

    @FunctionalInterface
    interface JsonPage {
        void accept(JsonNode page) throws Exception;
    }

    private Pages() {
    }

    /**
     * Every page of a query-protocol operation.
     *
     * @param result     the element under the root holding the answer (IAM, SNS, RDS: "&lt;Action&gt;Result"), or null
     *                   when the answer is the root itself (EC2)
     * @param tokenOut   the answer's next-page token element (Marker, NextToken, nextToken)
     * @param tokenIn    the request parameter that carries it (Marker, NextToken)
     */
    static void query(AwsApi api, AwsService service, String action, Map<String, String> params, String result,
                      String tokenOut, String tokenIn, XmlPage page) throws Exception {
        String token = null;
        Set<String> seen = new HashSet<>();
        do {
            Map<String, String> request = new LinkedHashMap<>(params);
            if (token != null) {
                request.put(tokenIn, token);
            }
            Element root = api.query(service, action, request);
            Element body = result == null ? root : Xml.child(root, result);
            if (body == null) {
                throw new IllegalStateException(service.id() + " " + action + " answered without " + result);
            }
            page.accept(body);
            token = Xml.text(body, tokenOut);
            token = token == null || token.isEmpty() ? null : token;
            check(service, action, token, seen);
        } while (token != null);
    }

    /** Every page of a JSON-protocol operation whose token is {@code tokenField} in both request and answer. */
    static void json(AwsApi api, AwsService service, String operation, ObjectNode request, String tokenField,
                     JsonPage page) throws Exception {
        json(api, service, operation, request, tokenField, tokenField, page);
    }

    static void json(AwsApi api, AwsService service, String operation, ObjectNode request, String tokenOut,
                     String tokenIn, JsonPage page) throws Exception {
        String token = null;
        Set<String> seen = new HashSet<>();
        do {
            ObjectNode body = request.deepCopy();
            if (token != null) {
                body.put(tokenIn, token);
            }
            JsonNode answer = api.json(service, operation, body);
            page.accept(answer);
            token = Values.text(answer, tokenOut);
            token = token == null || token.isEmpty() ? null : token;
            check(service, operation, token, seen);
        } while (token != null);
    }

    /**
     * Every page of a REST-JSON GET (Lambda): the token goes out as query parameter {@code tokenIn} and comes back
     * as {@code tokenOut}.
     */
    static void restGet(AwsApi api, AwsService service, String operation, String path, Map<String, String> query,
                        String tokenOut, String tokenIn, JsonPage page) throws Exception {
        String token = null;
        Set<String> seen = new HashSet<>();
        do {
            Map<String, String> request = new LinkedHashMap<>(query);
            if (token != null) {
                request.put(tokenIn, token);
            }
            JsonNode answer = api.restGet(service, operation, path, request);
            page.accept(answer);
            token = Values.text(answer, tokenOut);
            token = token == null || token.isEmpty() ? null : token;
            check(service, operation, token, seen);
        } while (token != null);
    }

    /**
     * Every page of a REST-XML GET (Route 53, CloudFront): the token goes out as query parameter {@code tokenIn} and
     * comes back as the element at {@code tokenOut} (a path from the root) while {@code truncated} is "true".
     */
    static void restGetXml(AwsApi api, AwsService service, String operation, String path, Map<String, String> query,
                           String[] truncated, String[] tokenOut, String tokenIn, XmlPage page) throws Exception {
        String token = null;
        Set<String> seen = new HashSet<>();
        do {
            Map<String, String> request = new LinkedHashMap<>(query);
            if (token != null) {
                request.put(tokenIn, token);
            }
            Element root = api.restGetXml(service, operation, path, request);
            page.accept(root);
            token = "true".equals(Xml.text(root, truncated)) ? Xml.text(root, tokenOut) : null;
            token = token == null || token.isEmpty() ? null : token;
            check(service, operation, token, seen);
        } while (token != null);
    }

    /** A service answering a token it gave before would loop forever: fail instead. */
    private static void check(AwsService service, String operation, String token, Set<String> seen) {
        if (token != null && !seen.add(token)) {
            throw new IllegalStateException(service.id() + " " + operation + " repeated page token "
                    + (token.length() > 40 ? token.substring(0, 40) + "..." : token));
        }
    }
}
