// Browser notifications for new outages. Permission is asked from a user gesture (the first click, or
// switching alerts on); without it the dashboard still beeps and highlights the feed.

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function requestNotificationPermission(): void {
  if (notificationsSupported() && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => {});
  }
}

export function showNotification(title: string, body: string, onClick?: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  try {
    // One tag: a burst of outages replaces the previous notification instead of stacking up.
    const n = new Notification(title, { body, tag: 'diemcau-outage', requireInteraction: false });
    if (onClick) {
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    }
  } catch {
    // Some browsers (Android Chrome) only allow notifications from a service worker.
  }
}
