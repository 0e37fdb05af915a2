package org.labo4j.vision.plot;

/** A named line of points; points with a non-finite coordinate are left out of charts. */
public record LineSeries(String name, double[] x, double[] y) {
    public LineSeries {
        if (x.length != y.length) {
            throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
        }
    }
}
