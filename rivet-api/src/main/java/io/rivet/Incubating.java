package io.rivet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public element that is new or experimental: it may change in a minor release. Everything in {@code io.rivet*}
 * outside {@code .internal} packages and without this annotation follows semantic versioning.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD, ElementType.PACKAGE})
public @interface Incubating {
    /** The version that introduced the element. */
    String since();
}
