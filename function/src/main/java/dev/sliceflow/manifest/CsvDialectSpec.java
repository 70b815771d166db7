package dev.sliceflow.manifest;

import dev.sliceflow.request.Compression;

/**
 * The CSV dialect of a manifest's parts, stated so that a loader never guesses. sliceflow writes one dialect
 * ({@link dev.sliceflow.csv.CsvDialect}); the fields exist so a loader can refuse one it does not know.
 *
 * @param encoding        UTF-8
 * @param delimiter       ","
 * @param quote           "\""
 * @param escape          "\"" (a quote inside a quoted field is doubled, RFC 4180)
 * @param recordSeparator "\n"
 * @param header          true: the first line of every part names the columns
 * @param nullAs          "unquoted-empty": NULL is an empty unquoted field
 * @param quoting         "all-non-null": every non-NULL value is quoted, so "" is the empty string
 * @param compression     gzip or none
 */
public record CsvDialectSpec(String encoding, String delimiter, String quote, String escape, String recordSeparator,
                             boolean header, String nullAs, String quoting, Compression compression) {
}
