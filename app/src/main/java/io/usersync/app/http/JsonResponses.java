package io.usersync.app.http;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How the ops endpoints answer: JSON bodies, errors as {@code {"error": "..."}}. */
final class JsonResponses {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonResponses() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, object().put("error", message));
    }

    static void json(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
