package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlTest {
    private static String json(String xml) {
        return Xml.toJson(Xml.parse(xml.getBytes(StandardCharsets.UTF_8))).toString();
    }

    @Test
    void toJson_whenAListIsEmpty_givesAnEmptyArrayNotAnEmptyString() {
        // an EC2 ingress rule as DescribeSecurityGroups answers it: no source groups, no prefix lists
        String rule = json("""
                <item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/>
                <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges></ipv6Ranges>
                <prefixListIds/><description/></item>""");
        assertThat(rule).isEqualTo("{\"ipProtocol\":\"tcp\",\"fromPort\":\"443\",\"toPort\":\"443\","
                + "\"groups\":[],\"ipRanges\":[{\"cidrIp\":\"0.0.0.0/0\"}],\"ipv6Ranges\":[],\"prefixListIds\":[],"
                + "\"description\":\"\"}");
    }

    @Test
    void toJson_whenAScalarEndsInS_keepsItsEmptyString() {
        assertThat(json("<item><status/><address></address><tagSet/></item>"))
                .isEqualTo("{\"status\":\"\",\"address\":\"\",\"tagSet\":[]}");
    }

    @Test
    void array_whenTheListIsEmpty_isEmpty() {
        assertThat(Xml.array(Xml.parse("<r><groupSet/></r>".getBytes(StandardCharsets.UTF_8)), "groupSet")
                .toString()).isEqualTo("[]");
    }
}
