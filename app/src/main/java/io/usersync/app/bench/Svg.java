package io.usersync.app.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The report's charts as inline SVG: no scripts, no fonts or files from elsewhere. */
final class Svg {

    private static final int WIDTH = 420;
    private static final int HEIGHT = 220;
    private static final int LEFT = 52;
    private static final int RIGHT = 12;
    private static final int TOP = 14;
    private static final int BOTTOM = 40;
    private static final String ACCENT = "#2563eb";

    /** A span of the timeline to shade and name (a phase). */
    record Band(double fromSeconds, double toSeconds, String label) {
    }

    private Svg() {
    }

    /** Bars per bucket of the 1-2-3-5-7 scale; the x axis names each bucket's upper bound in ms. */
    static String histogram(Distribution distribution) {
        List<Distribution.Bucket> buckets = distribution.histogram();
        StringBuilder svg = open(WIDTH, HEIGHT, "latency histogram");
        if (buckets.isEmpty()) {
            return empty(svg);
        }
        long most = buckets.stream().mapToLong(Distribution.Bucket::count).max().orElse(1);
        double top = niceCeiling(most);
        yAxis(svg, top, WIDTH, HEIGHT, "users");
        double plotWidth = WIDTH - LEFT - RIGHT;
        double slot = plotWidth / buckets.size();
        int labelEvery = (int) Math.ceil(buckets.size() / 8.0);
        for (int i = 0; i < buckets.size(); i++) {
            Distribution.Bucket bucket = buckets.get(i);
            double h = (HEIGHT - TOP - BOTTOM) * bucket.count() / top;
            double x = LEFT + i * slot;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %,d</title></rect>",
                    x + 1, HEIGHT - BOTTOM - h, Math.max(1, slot - 2), h, ACCENT, escape(bucketLabel(buckets, i)), bucket.count()));
            if (i % labelEvery == 0) {
                String label = bucket.upToMs() == null ? ">" + compact(largestBound()) : compact(bucket.upToMs());
                svg.append(text(x + slot / 2, HEIGHT - BOTTOM + 13, "middle", label, 10));
            }
        }
        svg.append(text(LEFT + plotWidth / 2, HEIGHT - 6, "middle", "latency, ms (bucket upper bound)", 11));
        return svg.append("</svg>").toString();
    }

    /** Latency by percentile, the x axis in nines (p90 = 1, p99 = 2, ...), the last point the maximum. */
    static String percentiles(Distribution distribution) {
        List<Distribution.Point> points = distribution.percentiles();
        StringBuilder svg = open(WIDTH, HEIGHT, "latency by percentile");
        if (points.isEmpty()) {
            return empty(svg);
        }
        double right = Math.max(1, Math.ceil(points.get(points.size() - 1).nines()));
        double top = niceCeiling(points.stream().mapToDouble(Distribution.Point::valueMs).max().orElse(1));
        double bottom = Math.min(0, points.get(0).valueMs());
        yAxis(svg, top, WIDTH, HEIGHT, "ms");
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        String[] names = {"p0", "p50", "p90", "p99", "p99.9", "p99.99", "p99.999"};
        double[] nines = {0, Math.log10(2), 1, 2, 3, 4, 5};
        for (int n = 0; n < names.length && nines[n] <= right; n++) {
            double x = LEFT + plotWidth * nines[n] / right;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e7eb\"/>", x, TOP, x,
                    HEIGHT - BOTTOM));
            svg.append(text(x, HEIGHT - BOTTOM + 13, "middle", names[n], 10));
        }
        StringBuilder line = new StringBuilder();
        for (Distribution.Point point : points) {
            double x = LEFT + plotWidth * point.nines() / right;
            double y = HEIGHT - BOTTOM - plotHeight * (point.valueMs() - bottom) / (top - bottom);
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: %s ms</title></circle>",
                    x, y, ACCENT, point.percentile() == 100 ? "max" : "p" + format(point.percentile()), format(point.valueMs())));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(ACCENT).append("\" stroke-width=\"1.5\" points=\"")
                .append(line.toString().trim()).append("\"/>");
        svg.append(text(LEFT + plotWidth / 2, HEIGHT - 6, "middle", "percentile (last point: max)", 11));
        return svg.append("</svg>").toString();
    }

    /** One measure of the process over the run, phases shaded. */
    static String timeline(List<ResourceSampler.Sample> samples, ToDoubleFunction<ResourceSampler.Sample> value,
            String unit, List<Band> bands, double minTop) {
        int width = 880;
        int height = 240;
        StringBuilder svg = open(width, height, unit + " over time");
        if (samples.isEmpty()) {
            return empty(svg);
        }
        double end = Math.max(1, samples.get(samples.size() - 1).seconds());
        double top = niceCeiling(Math.max(minTop, samples.stream().mapToDouble(value).max().orElse(1)));
        double plotWidth = width - LEFT - RIGHT;
        double plotHeight = height - TOP - BOTTOM;
        for (Band band : bands) {
            double x1 = LEFT + plotWidth * band.fromSeconds() / end;
            double x2 = LEFT + plotWidth * band.toSeconds() / end;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#fef3c7\"/>", x1, TOP,
                    Math.max(1, x2 - x1), plotHeight));
            svg.append(text(x1 + 3, TOP + 11, "start", band.label(), 10));
        }
        yAxis(svg, top, width, height, unit);
        double step = niceStep(end, 10);
        for (double t = 0; t <= end; t += step) {
            svg.append(text(LEFT + plotWidth * t / end, height - BOTTOM + 13, "middle", format(t), 10));
        }
        StringBuilder line = new StringBuilder();
        for (ResourceSampler.Sample sample : samples) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotWidth * sample.seconds() / end,
                    height - BOTTOM - plotHeight * value.applyAsDouble(sample) / top));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(ACCENT).append("\" stroke-width=\"1.2\" points=\"")
                .append(line.toString().trim()).append("\"/>");
        svg.append(text(LEFT + plotWidth / 2, height - 6, "middle", "seconds since the bench started", 11));
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(int width, int height, String title) {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
                        + " font-family=\"sans-serif\"><title>%s</title>", width, height, width, height, escape(title)));
    }

    private static String empty(StringBuilder svg) {
        return svg.append(text(WIDTH / 2.0, HEIGHT / 2.0, "middle", "no measurements", 12)).append("</svg>").toString();
    }

    private static void yAxis(StringBuilder svg, double top, int width, int height, String unit) {
        double plotHeight = height - TOP - BOTTOM;
        double step = niceStep(top, 4);
        for (double v = 0; v <= top + step / 1000; v += step) {
            double y = height - BOTTOM - plotHeight * v / top;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>", LEFT, y,
                    width - RIGHT, y));
            svg.append(text(LEFT - 4, y + 4, "end", format(v), 10));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#6b7280\"/>", LEFT, height - BOTTOM,
                width - RIGHT, height - BOTTOM));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"12\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">%s</text>",
                TOP + plotHeight / 2, TOP + plotHeight / 2, escape(unit)));
    }

    private static String bucketLabel(List<Distribution.Bucket> buckets, int i) {
        String from = i == 0 ? "" : format(buckets.get(i - 1).upToMs()) + " to ";
        return buckets.get(i).upToMs() == null ? "above " + format(largestBound()) + " ms"
                : (i == 0 ? "up to " : from) + format(buckets.get(i).upToMs()) + " ms";
    }

    private static double largestBound() {
        return Distribution.BUCKET_BOUNDS_MS[Distribution.BUCKET_BOUNDS_MS.length - 1];
    }

    private static String text(double x, double y, String anchor, String text, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"#374151\">%s</text>",
                x, y, size, anchor, escape(text));
    }

    static double niceCeiling(double max) {
        double step = niceStep(max, 4);
        return Math.max(step, Math.ceil(max / step) * step);
    }

    static double niceStep(double range, int ticks) {
        if (range <= 0) {
            return 1;
        }
        double raw = range / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    /** Axis labels stay short: 20k rather than 20,000. */
    static String compact(double value) {
        return value >= 1000 ? format(value / 1000) + "k" : format(value);
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2g", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
