// The chat page's client: joins WS /chat with a name and shows what everyone says.
(function () {
  'use strict';
  const joinForm = document.getElementById('join');
  const sendForm = document.getElementById('send');
  const nameInput = document.getElementById('name');
  const messageInput = document.getElementById('message');
  const messages = document.getElementById('messages');
  let socket = null;

  function show(text, kind) {
    const item = document.createElement('li');
    item.textContent = text; // never innerHTML: messages come from other people
    if (kind) item.className = kind;
    messages.appendChild(item);
    item.scrollIntoView({ block: 'end' });
  }

  joinForm.addEventListener('submit', function (event) {
    event.preventDefault();
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const name = encodeURIComponent(nameInput.value.trim() || 'anonymous');
    socket = new WebSocket(scheme + '//' + location.host + '/chat?name=' + name);
    socket.addEventListener('open', function () {
      joinForm.hidden = true;
      sendForm.hidden = false;
      messageInput.focus();
    });
    socket.addEventListener('message', function (event) {
      show(event.data);
    });
    socket.addEventListener('close', function () {
      show('Disconnected.', 'status');
      joinForm.hidden = false;
      sendForm.hidden = true;
    });
  });

  sendForm.addEventListener('submit', function (event) {
    event.preventDefault();
    if (socket && socket.readyState === WebSocket.OPEN && messageInput.value) {
      socket.send(messageInput.value);
      messageInput.value = '';
    }
  });
})();
