package org.labo4j.translation.data;

/** The splits of Multi30k task 1 and the file stems they are stored under. */
public enum Multi30kSplit {
    /** 29,000 sentences. */
    TRAIN("train"),
    /** 1,014 sentences. */
    VALIDATION("val"),
    /** 1,000 sentences: the 2016 Flickr test set. */
    TEST_2016_FLICKR("test_2016_flickr");

    private final String fileStem;

    Multi30kSplit(String fileStem) {
        this.fileStem = fileStem;
    }

    /** The part of the file name before the language code, as in {@code val.de.gz}. */
    public String fileStem() {
        return fileStem;
    }
}
