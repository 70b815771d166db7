package dev.sliceflow.core;

/**
 * Input that can never succeed, however often it is retried: a malformed sync request, an unknown table,
 * an identifier that breaks its pattern, a manifest that breaks the schema rules. Handlers send it to the
 * dead-letter queue at once with this message as the reason, instead of letting SQS retry it.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
