package dev.sliceflow.source.aws;

/**
 * An error answer from an AWS API called through {@link AwsApi}: names the service, operation, HTTP status and the
 * AWS error code, so a table's error in the manifest says what to fix ("AccessDenied", "OptInRequired").
 */
public final class AwsApiException extends RuntimeException {
    private final String service;
    private final String operation;
    private final int statusCode;
    private final String errorCode;

    AwsApiException(String service, String operation, int statusCode, String errorCode, String message,
                    String requestId) {
        super(service + " " + operation + " failed: HTTP " + statusCode + " " + errorCode
                + (message == null || message.isEmpty() ? "" : ": " + message)
                + (requestId == null ? "" : " (request id " + requestId + ")"));
        this.service = service;
        this.operation = operation;
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    public String service() {
        return service;
    }

    public String operation() {
        return operation;
    }

    public int statusCode() {
        return statusCode;
    }

    public String errorCode() {
        return errorCode;
    }
}
