package org.labo4j.translation.data;

/** The languages of Multi30k task 1, with the codes used in its file names. */
public enum Language {
    EN("en"),
    DE("de"),
    FR("fr"),
    CS("cs");

    private final String code;

    Language(String code) {
        this.code = code;
    }

    /** ISO 639-1 code, as in {@code train.en.gz}. */
    public String code() {
        return code;
    }

    public static Language fromCode(String code) {
        for (Language language : values()) {
            if (language.code.equalsIgnoreCase(code)) {
                return language;
            }
        }
        throw new IllegalArgumentException("unknown language '" + code + "' (expected en, de, fr or cs)");
    }
}
