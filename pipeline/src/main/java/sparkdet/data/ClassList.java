package sparkdet.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The ordered class names of a dataset (classes.txt): index i is line i. */
public final class ClassList implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();

    public ClassList(List<String> names) {
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            String name = this.names.get(i);
            if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("class " + i + " has an empty or multi-line name");
            }
            if (index.putIfAbsent(name, i) != null) {
                throw new IllegalArgumentException("class name '" + name + "' appears twice (lines "
                        + (index.get(name) + 1) + " and " + (i + 1) + ")");
            }
        }
    }

    /** sorted, de-duplicated label names: the order used when no classes file is given */
    public static ClassList sortedOf(Collection<String> labels) {
        return new ClassList(new ArrayList<>(new TreeSet<>(labels)));
    }

    /** one name a line; blank lines and surrounding white space are ignored, as the YOLO repositories do */
    public static ClassList parse(String text) {
        List<String> names = new ArrayList<>();
        for (String line : text.split("\r?\n|\r")) {
            String name = line.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new ClassList(names);
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(n).append('\n');
        }
        return sb.toString();
    }

    /** the index of a name, or -1 */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    public String name(int i) {
        return names.get(i);
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassList c && c.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
