package org.labo4j.vision.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;

/** Saves charts as PNG without a display (servers and CI have none). */
public final class ChartFiles {
    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 600;

    private ChartFiles() {
    }

    /**
     * Switches AWT to headless mode unless the application chose otherwise. Must run before the first
     * AWT toolkit use, so every chart writer calls it before building its chart.
     */
    public static void useHeadlessUnlessSet() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static void savePng(JFreeChart chart, Path file, int width, int height) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }

    /** White background with light grid lines: readable when printed and in dark-mode viewers alike. */
    static void style(JFreeChart chart, Plot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
    }
}
