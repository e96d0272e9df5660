package sparkdet.eval;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparkdet.data.ClassList;

/**
 * How a detection finds its ground-truth class: by name first (predict writes category_name, so a
 * model's class order never has to agree with the ground truth's ids), else by COCO category id.
 * Small (one entry per class): it travels to every task as it is.
 */
record ClassKeys(Map<String, Integer> byName, Map<Long, Integer> byCategoryId) implements Serializable {
    static final long NO_CATEGORY_ID = Long.MIN_VALUE;

    static ClassKeys of(ClassList classes, long[] categoryIds) {
        Map<String, Integer> names = new HashMap<>();
        Map<Long, Integer> ids = new HashMap<>();
        List<String> list = classes.names();
        for (int c = 0; c < list.size(); c++) {
            names.putIfAbsent(list.get(c), c);
            ids.put(categoryIds[c], c);
        }
        return new ClassKeys(names, ids);
    }

    /** by name only: get_map.py's txt files name their classes and have no ids */
    static ClassKeys byName(ClassList classes) {
        Map<String, Integer> names = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            names.put(classes.name(c), c);
        }
        return new ClassKeys(names, Map.of());
    }

    /** the class index, or -1 when the ground truth has neither the name nor the id */
    int of(String name, long categoryId) {
        Integer c = name != null ? byName.get(name) : null;
        if (c == null) {
            c = byCategoryId.get(categoryId);
        }
        return c != null ? c : -1;
    }
}
