package io.usersync.app.deadletter;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Dead letters of one stage and reason within one window. Carries ids only, never personal data.
 *
 * @param userIds a few of the users concerned (record keys), as a sample
 */
public record Alert(String stage, String reason, long count, Instant firstSeen, Instant lastSeen, List<String> userIds) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A Slack-compatible webhook body: a text line and an attachment with one field per fact. */
    public String webhookBody() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("text", String.format(":rotating_light: usersync: %d dead letter%s from %s (%s)", count,
                count == 1 ? "" : "s", stage, reason));
        ObjectNode attachment = body.putArray("attachments").addObject();
        attachment.put("color", "danger");
        ArrayNode fields = attachment.putArray("fields");
        field(fields, "stage", stage);
        field(fields, "reason", reason);
        field(fields, "count", Long.toString(count));
        field(fields, "first_seen", firstSeen.toString());
        field(fields, "last_seen", lastSeen.toString());
        field(fields, "user_ids", String.join(", ", userIds));
        return body.toString();
    }

    private static void field(ArrayNode fields, String title, String value) {
        fields.addObject().put("title", title).put("value", value).put("short", !title.equals("user_ids"));
    }
}
