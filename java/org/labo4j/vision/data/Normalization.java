package org.labo4j.vision.data;

/** Maps a grey value {@code v} in 0..255 to {@code (v / 255 - mean) / std}. */
public record Normalization(double mean, double std) {
    public Normalization {
        if (!(std > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normalization needs a finite mean and std > 0, got mean=" + mean
                    + " std=" + std);
        }
    }

    /** Per-pixel mean and population standard deviation of a dataset, in [0, 1] units. */
    public static Normalization measure(ImageDataset dataset) {
        long[] histogram = new long[256];
        byte[] pixels = dataset.pixelBytes();
        for (byte p : pixels) {
            histogram[p & 0xff]++;
        }
        double count = pixels.length;
        double sum = 0;
        for (int v = 0; v < 256; v++) {
            sum += histogram[v] * (v / 255.0);
        }
        double mean = sum / count;
        double squares = 0;
        for (int v = 0; v < 256; v++) {
            double d = v / 255.0 - mean;
            squares += histogram[v] * d * d;
        }
        return new Normalization(mean, Math.sqrt(squares / count));
    }

    /** Lookup table of the normalized value of each grey level (cheaper than arithmetic per pixel). */
    public float[] lookupTable() {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (float) ((v / 255.0 - mean) / std);
        }
        return table;
    }
}
