package dev.steepest.spark.config;

import java.util.List;

/** The hint after an unknown key: the closest known key, or the known keys of its section. */
final class KeySuggestion {
    private KeySuggestion() {
    }

    /** " (did you mean 'x'?)" for the closest known key within a few edits. */
    static String suggestion(String name, java.util.Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(name, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 4)) {
            return " (did you mean '" + best + "'?)";
        }
        String section = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : name;
        List<String> same = known.stream().filter(k -> k.startsWith(section)).toList();
        return same.isEmpty() ? "; see the config reference in README.md" : "; known keys here: " + String.join(", ", same);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
