package org.labo4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The command line of {@code labo train} and {@code labo compare}, the same for every task:
 * {@code -h}/{@code --help}, {@code --resume}, the loss options ({@link LossChoice}), {@code --out},
 * {@code --data}, the compare-only {@code --seeds} and {@code --losses}, and any training option as
 * {@code --kebab-case value}. Training options go to the task's configuration as they are read; the
 * task applies {@link #out}, {@link #data} and {@link #resume} to it with its own defaults.
 */
final class TrainingArguments {
    final LossChoice loss = new LossChoice();
    int seeds = 3;
    List<String> losses;
    /** {@code --out}, or null when not given. */
    Path out;
    /** {@code --data}, or null when not given. */
    Path data;
    boolean resume;
    boolean help;

    /** {@code defaultLosses}: what {@code compare} trains without {@code --losses}. */
    TrainingArguments(List<String> defaultLosses) {
        this.losses = defaultLosses;
    }

    /**
     * Reads {@code args}, handing each training option to {@code option} by its camelCase name; stops at
     * {@code --help}.
     *
     * @throws IllegalArgumentException naming the first bad argument
     */
    TrainingArguments parse(String[] args, BiConsumer<String, String> option) {
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                return this;
            }
            if (a.equals("--resume")) {
                resume = true;
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a);
            }
            final String v = args[++i];
            if (loss.accept(a, v)) {
                continue;
            }
            switch (a) {
                case "--out" -> out = Path.of(v);
                case "--data" -> data = Path.of(v);
                case "--seeds" -> seeds = integer(a, v);
                case "--losses" -> losses = List.of(v.split(","));
                default -> option.accept(camelCase(a.substring(2)), v);
            }
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds " + seeds + " must be >= 1");
        }
        return this;
    }

    /** The option name of a kebab-case command-line name, e.g. {@code train-subset} -> {@code trainSubset}. */
    static String camelCase(String kebab) {
        final StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + " is not an integer");
        }
    }
}
