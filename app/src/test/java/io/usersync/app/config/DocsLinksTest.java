package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every relative Markdown link of README.md, ARCHITECTURE.md and docs/*.md resolves: the linked file exists, and a
 * {@code #anchor} names a heading of the linked file (or of the linking file, for a link that is only an anchor), by
 * GitHub's slug of the heading.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#+\\s+(.*)$");

    @Test
    void shouldResolveEveryRelativeLinkAndAnchor() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher link = LINK.matcher(Files.readString(page));
            while (link.find()) {
                String target = link.group(1);
                if (!isExternal(target) && !resolves(page, target)) {
                    broken.add(ROOT.relativize(page) + ": " + target);
                }
            }
        }

        assertThat(broken).as("broken links").isEmpty();
    }

    private static List<Path> pages() throws IOException {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("ARCHITECTURE.md")));
            pages.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
            return pages;
        }
    }

    private static boolean isExternal(String target) {
        return target.startsWith("http:") || target.startsWith("https:") || target.startsWith("mailto:");
    }

    private static boolean resolves(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
            return false;
        }
        return hash < 0 || slugs(linked).contains(target.substring(hash + 1));
    }

    /** The GitHub-style anchors of a Markdown file's headings, outside fenced code blocks. */
    static Set<String> slugs(Path markdown) {
        try {
            boolean inFence = false;
            List<String> headings = new ArrayList<>();
            for (String line : Files.readAllLines(markdown)) {
                if (line.startsWith("```")) {
                    inFence = !inFence;
                }
                Matcher heading = HEADING.matcher(line);
                if (!inFence && heading.matches()) {
                    headings.add(heading.group(1));
                }
            }
            return headings.stream().map(DocsLinksTest::slug).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lower case, only letters, digits, spaces, hyphens and underscores kept, spaces made hyphens. */
    static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
