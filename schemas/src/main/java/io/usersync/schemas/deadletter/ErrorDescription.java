package io.usersync.schemas.deadletter;

import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * Describes an error for dead-letter headers and logs without the data that caused it. Exception messages
 * quote their input (Jackson: {@code Unrecognized token 'alice@example.com'}, {@code from String "..."}),
 * so they are never used: only the error's type and, for JSON, where in the document it failed.
 */
public final class ErrorDescription {

    private ErrorDescription() {
    }

    public static String of(Throwable error) {
        if (error instanceof JacksonException json) {
            return json(json);
        }
        return error.getClass().getSimpleName();
    }

    /** The type, the property path (names the reader declares, never values) and the line and column. */
    private static String json(JacksonException error) {
        StringBuilder description = new StringBuilder(error.getClass().getSimpleName());
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            description.append(" at ").append(mapping.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining(".")));
        }
        JsonLocation location = error.getLocation();
        if (location != null && location.getLineNr() > 0) {
            description.append(" (line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr()).append(')');
        }
        return description.toString();
    }
}
