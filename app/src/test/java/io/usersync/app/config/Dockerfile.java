package io.usersync.app.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The instructions of a Dockerfile: comments dropped, continued lines joined, each keyword upper-case. */
record Dockerfile(List<Instruction> instructions) {

    record Instruction(String keyword, String arguments) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            String whole = pending.append(trimmed).toString().strip();
            pending.setLength(0);
            String[] parts = whole.split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
        }
        return new Dockerfile(instructions);
    }

    /** The instructions of the last stage, the image that runs: from its FROM on. */
    List<Instruction> finalStage() {
        int from = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return instructions.subList(from, instructions.size());
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
    }

    /** The final image's environment: each {@code ENV KEY=VALUE} of the last stage. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        finalStage().stream().filter(instruction -> instruction.keyword().equals("ENV")).forEach(instruction -> {
            for (String pair : instruction.arguments().split("\\s+")) {
                String[] keyValue = pair.split("=", 2);
                environment.put(keyValue[0], keyValue[1]);
            }
        });
        return environment;
    }

    /** The last stage's ENTRYPOINT in exec form. */
    List<String> entrypoint() throws IOException {
        List<Instruction> entrypoints = finalStage().stream().filter(instruction -> instruction.keyword().equals("ENTRYPOINT")).toList();
        return new ObjectMapper().readValue(entrypoints.get(entrypoints.size() - 1).arguments(), new TypeReference<List<String>>() { });
    }
}
