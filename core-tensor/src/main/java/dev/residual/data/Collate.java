package dev.residual.data;

import dev.residual.tensor.Tensor;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Default collation: turns a list of examples into one batch, field by field, as PyTorch's {@code
 * default_collate}.
 *
 * <ul>
 *   <li>Tensors of equal shape {@code [...]} are stacked into {@code [batch, ...]} with {@link
 *       Tensor#stack}.
 *   <li>Lists are collated position by position into a list; maps key by key into an ordered map;
 *       records component by component into a new record of the same class (its components must be
 *       able to hold the collated values, e.g. be declared {@code Tensor}).
 *   <li>Inside lists, maps and records, integer scalars become an INT64 {@code [batch]} tensor,
 *       floating scalars FLOAT64, booleans BOOL (PyTorch's choices).
 * </ul>
 */
public final class Collate {
  private Collate() {}

  /**
   * Collates {@code items} into a batch of the same structure as one item (see the class comment).
   *
   * @throws IllegalArgumentException if {@code items} is empty, the items differ in class, list
   *     length, map keys or tensor shape, an item is a top-level scalar (its batch would be a
   *     Tensor, not the item type), or a type cannot be collated
   */
  @SuppressWarnings("unchecked")
  public static <T> T collate(List<T> items) {
    if (!items.isEmpty() && isScalar(items.get(0))) {
      throw new IllegalArgumentException(
          "collate: examples are scalars ("
              + items.get(0).getClass().getSimpleName()
              + "); wrap them in a Tensor, or collate them with Collate.scalars");
    }
    return (T) collateAny(items, "collate");
  }

  /**
   * Scalars collated into a 1-D tensor {@code [batch]}: INT64 for integers, FLOAT64 for floating
   * values, BOOL for booleans.
   *
   * @throws IllegalArgumentException if {@code items} is empty or not all of one scalar class
   */
  public static Tensor scalars(List<?> items) {
    Object first = requireSameClass(items, "collate");
    if (!isScalar(first)) {
      throw new IllegalArgumentException(
          "collate: expected scalars, got " + first.getClass().getName());
    }
    return (Tensor) collateAny(items, "collate");
  }

  private static boolean isScalar(Object o) {
    return o instanceof Number || o instanceof Boolean;
  }

  private static Object requireSameClass(List<?> items, String where) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException(where + ": cannot collate an empty batch");
    }
    Object first = items.get(0);
    if (first == null) {
      throw new IllegalArgumentException(where + ": cannot collate null");
    }
    for (Object o : items) {
      if (o == null) {
        throw new IllegalArgumentException(where + ": cannot collate null");
      }
      boolean same =
          o.getClass() == first.getClass()
              || (o instanceof List && first instanceof List)
              || (o instanceof Map && first instanceof Map);
      if (!same) {
        throw new IllegalArgumentException(
            where
                + ": examples differ in type ("
                + first.getClass().getName()
                + " and "
                + o.getClass().getName()
                + ")");
      }
    }
    return first;
  }

  private static Object collateAny(List<?> items, String where) {
    Object first = requireSameClass(items, where);
    int n = items.size();
    if (first instanceof Tensor) {
      List<Tensor> ts = new ArrayList<>(n);
      for (Object o : items) {
        ts.add((Tensor) o);
      }
      return Tensor.stack(ts, 0);
    }
    if (first instanceof Double || first instanceof Float) {
      double[] v = new double[n];
      for (int k = 0; k < n; k++) {
        v[k] = ((Number) items.get(k)).doubleValue();
      }
      return Tensor.of(v);
    }
    if (first instanceof Long
        || first instanceof Integer
        || first instanceof Short
        || first instanceof Byte) {
      long[] v = new long[n];
      for (int k = 0; k < n; k++) {
        v[k] = ((Number) items.get(k)).longValue();
      }
      return Tensor.of(v);
    }
    if (first instanceof Boolean) {
      boolean[] v = new boolean[n];
      for (int k = 0; k < n; k++) {
        v[k] = (Boolean) items.get(k);
      }
      return Tensor.of(v);
    }
    if (first instanceof List) {
      return collateLists(items, where);
    }
    if (first instanceof Map) {
      return collateMaps(items, where);
    }
    if (first.getClass().isRecord()) {
      return collateRecords(items, where);
    }
    throw new IllegalArgumentException(
        where
            + ": cannot collate "
            + first.getClass().getName()
            + " (expected Tensor, number, boolean, List, Map or record); pass a collate function");
  }

  private static List<Object> collateLists(List<?> items, String where) {
    int width = ((List<?>) items.get(0)).size();
    for (Object o : items) {
      if (((List<?>) o).size() != width) {
        throw new IllegalArgumentException(
            where
                + ": list examples differ in length ("
                + width
                + " and "
                + ((List<?>) o).size()
                + ")");
      }
    }
    List<Object> out = new ArrayList<>(width);
    for (int j = 0; j < width; j++) {
      List<Object> column = new ArrayList<>(items.size());
      for (Object o : items) {
        column.add(((List<?>) o).get(j));
      }
      out.add(collateAny(column, where + "[" + j + "]"));
    }
    return Collections.unmodifiableList(out);
  }

  private static Map<Object, Object> collateMaps(List<?> items, String where) {
    Map<?, ?> first = (Map<?, ?>) items.get(0);
    for (Object o : items) {
      if (!((Map<?, ?>) o).keySet().equals(first.keySet())) {
        throw new IllegalArgumentException(
            where
                + ": map examples differ in keys ("
                + first.keySet()
                + " and "
                + ((Map<?, ?>) o).keySet()
                + ")");
      }
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Object key : first.keySet()) {
      List<Object> column = new ArrayList<>(items.size());
      for (Object o : items) {
        column.add(((Map<?, ?>) o).get(key));
      }
      out.put(key, collateAny(column, where + "[" + key + "]"));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object collateRecords(List<?> items, String where) {
    Class<?> type = items.get(0).getClass();
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int j = 0; j < components.length; j++) {
        RecordComponent rc = components[j];
        types[j] = rc.getType();
        var accessor = rc.getAccessor();
        accessor.setAccessible(true);
        List<Object> column = new ArrayList<>(items.size());
        for (Object o : items) {
          column.add(accessor.invoke(o));
        }
        String field = where + "." + rc.getName();
        Object v = collateAny(column, field);
        if (!rc.getType().isInstance(v)) {
          throw new IllegalArgumentException(
              field
                  + ": record "
                  + type.getSimpleName()
                  + " declares "
                  + rc.getType().getSimpleName()
                  + ", which cannot hold the collated "
                  + v.getClass().getSimpleName()
                  + "; declare it as Tensor or pass a collate function");
        }
        values[j] = v;
      }
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          where + ": building record " + type.getName() + " failed: " + e.getCause(), e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(
          where + ": cannot collate record " + type.getName() + ": " + e, e);
    }
  }
}
