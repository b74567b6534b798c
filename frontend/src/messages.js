// The few words the front end itself says, in the page's language (<html lang>, the course's).
const MESSAGES = {
  vi: {
    reconnecting: 'Mạng chập chờn: đang kết nối lại với máy chủ của lớp…',
    disconnected: 'Mất kết nối với máy chủ của lớp. Kiểm tra mạng rồi tải lại trang.',
    reload: 'Tải lại trang',
    appError: 'Phần này của ứng dụng bị lỗi. Hãy báo người hướng dẫn.',
    widgetError: 'Không hiển thị được phần này. Hãy báo người hướng dẫn.',
  },
  en: {
    reconnecting: 'The network is unsteady: reconnecting to the class server…',
    disconnected: 'Lost the connection to the class server. Check the network, then reload the page.',
    reload: 'Reload the page',
    appError: 'This part of the app failed. Please tell the facilitator.',
    widgetError: 'This part cannot be shown. Please tell the facilitator.',
  },
};

export function message(key) {
  const lang = (document.documentElement.lang || 'vi').slice(0, 2);
  return (MESSAGES[lang] || MESSAGES.vi)[key];
}
