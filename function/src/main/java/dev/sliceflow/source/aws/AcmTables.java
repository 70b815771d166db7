package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.DOUBLE;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.w3c.dom.Element;

/** ACM certificates (JSON 1.1): expiry, status, key algorithm and where each is in use. */
final class AcmTables {
    private AcmTables() {
    }

    static final AwsTable CERTIFICATES = AwsTable.builder("aws_acm_certificates")
            .required("arn", STRING)
            .column("domain_name", STRING)
            .column("status", STRING)
            .column("type", STRING)
            .column("key_algorithm", STRING)
            .column("issuer", STRING)
            .column("not_before", TIMESTAMP)
            .column("not_after", TIMESTAMP)
            .column("created_at", TIMESTAMP)
            .column("renewal_eligibility", STRING)
            .column("subject_alternative_names", JSON)
            .column("in_use_by", JSON)
            .key("arn")
            .permissions("acm:ListCertificates", "acm:DescribeCertificate")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.ACM, "ListCertificates",
                    AwsApi.body().put("MaxItems", 1000), "NextToken",
                    page -> rows.each(page.path("CertificateSummaryList"), summary -> {
                        JsonNode c;
                        try {
                            c = slice.api().json(AwsService.ACM, "DescribeCertificate", AwsApi.body()
                                    .put("CertificateArn", Values.text(summary, "CertificateArn"))).path("Certificate");
                        } catch (AwsApiException e) {
                            if ("ResourceNotFoundException".equals(e.errorCode())) {
                                return; // deleted since ListCertificates
                            }
                            throw e;
                        }
                        rows.set("arn", Values.text(c, "CertificateArn"))
                                .set("domain_name", Values.text(c, "DomainName"))
                                .set("status", Values.text(c, "Status"))
                                .set("type", Values.text(c, "Type"))
                                .set("key_algorithm", Values.text(c, "KeyAlgorithm"))
                                .set("issuer", Values.text(c, "Issuer"))
                                .set("not_before", Values.epochSeconds(c.get("NotBefore")))
                                .set("not_after", Values.epochSeconds(c.get("NotAfter")))
                                .set("created_at", Values.epochSeconds(c.get("CreatedAt")))
                                .set("renewal_eligibility", Values.text(c, "RenewalEligibility"))
                                .set("subject_alternative_names", Values.json(c, "SubjectAlternativeNames"))
                                .set("in_use_by", Values.json(c, "InUseBy"))
                                .emit();
                    })));
}
