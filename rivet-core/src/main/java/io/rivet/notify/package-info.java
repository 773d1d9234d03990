/**
 * Notifications of run outcomes: {@link io.rivet.notify.SlackNotifier}, an {@link io.rivet.ExportListener} that posts
 * to a Slack incoming webhook.
 */
package io.rivet.notify;
