package dev.sliceflow.source.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reading AWS query-protocol XML answers: namespace-blind child lookups and conversion of nested shapes to JSON. */
final class Xml {
    private static final DocumentBuilderFactory FACTORY = factory();

    private Xml() {
    }

    private static DocumentBuilderFactory factory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory;
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure the XML parser", e);
        }
    }

    static Element parse(byte[] xml) {
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            return builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse an XML answer: " + e.getMessage(), e);
        }
    }

    private static String name(Node node) {
        return node.getLocalName() != null ? node.getLocalName() : node.getNodeName();
    }

    /** The first child element named {@code name}, or null (also for a null parent). */
    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(name(e))) {
                return e;
            }
        }
        return null;
    }

    /** Follows a path of child names; null when any step is missing. */
    static Element path(Element parent, String... names) {
        Element current = parent;
        for (String name : names) {
            current = child(current, name);
        }
        return current;
    }

    /** Every child element (whatever its name: item, member, Tag, DBInstance) of the element at {@code path}. */
    static List<Element> list(Element parent, String... path) {
        Element container = path(parent, path);
        List<Element> out = new ArrayList<>();
        if (container == null) {
            return out;
        }
        for (Node n = container.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** The text at {@code path}, or null when absent. */
    static String text(Element parent, String... path) {
        Element e = path(parent, path);
        return e == null ? null : e.getTextContent();
    }

    static Long longValue(Element parent, String... path) {
        String text = text(parent, path);
        return text == null || text.isEmpty() ? null : Long.valueOf(text);
    }

    static Boolean bool(Element parent, String... path) {
        String text = text(parent, path);
        return text == null || text.isEmpty() ? null : Boolean.valueOf(text);
    }

    static Instant instant(Element parent, String... path) {
        return Values.instant(text(parent, path));
    }

    /** The elements of the list at {@code path} as a JSON array (empty when the list is absent). */
    static ArrayNode array(Element parent, String... path) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Element e : list(parent, path)) {
            array.add(toJson(e));
        }
        return array;
    }

    /**
     * An element as JSON: text for a leaf, an array when every child is a list member (item or member), else an
     * object keyed by child name (a repeated name becomes an array). An empty element named as a list is [].
     */
    static JsonNode toJson(Element element) {
        List<Element> children = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            }
        }
        if (children.isEmpty()) {
            if (element.getTextContent().isBlank() && listName(name(element))) {
                return JsonNodeFactory.instance.arrayNode();
            }
            return JsonNodeFactory.instance.textNode(element.getTextContent());
        }
        if (children.stream().allMatch(c -> name(c).equals("item") || name(c).equals("member"))) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            children.forEach(c -> array.add(toJson(c)));
            return array;
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        Set<String> repeated = new HashSet<>();
        for (Element c : children) {
            JsonNode value = toJson(c);
            JsonNode existing = object.get(name(c));
            if (existing == null) {
                object.set(name(c), value);
            } else if (repeated.contains(name(c))) {
                ((ArrayNode) existing).add(value);
            } else {
                repeated.add(name(c));
                object.set(name(c), JsonNodeFactory.instance.arrayNode().add(existing).add(value));
            }
        }
        return object;
    }

    /**
     * Whether an element of this name holds a list. XML cannot tell an empty list from an empty string, so the
     * name does: EC2's lists end in Set (groupSet, tagSet) or are plurals (groups, ipRanges, prefixListIds); IAM's
     * and RDS's end in List or are plurals (TagList, VpcSecurityGroups). Singular names ending in s (status,
     * address) are not lists.
     */
    static boolean listName(String name) {
        if (name.endsWith("Set") || name.endsWith("List") || name.equals("blockDeviceMapping")) {
            return true;
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith("s") && !lower.endsWith("ss") && !lower.endsWith("us") && !lower.endsWith("options")
                && !lower.endsWith("iops") && !lower.endsWith("dns") && !lower.endsWith("alias");
    }

    /** Tags from a list of {key, value} (EC2: item/key,value; IAM, RDS: Key, Value) as one JSON object. */
    static ObjectNode tags(Element parent, String... path) {
        ObjectNode tags = JsonNodeFactory.instance.objectNode();
        for (Element tag : list(parent, path)) {
            String key = text(tag, "key") != null ? text(tag, "key") : text(tag, "Key");
            String value = text(tag, "value") != null ? text(tag, "value") : text(tag, "Value");
            if (key != null) {
                tags.put(key, value == null ? "" : value);
            }
        }
        return tags;
    }
}
