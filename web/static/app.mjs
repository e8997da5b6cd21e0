// ContactPoint's own script: starts GOV.UK Frontend's components and warns
// before an idle session is signed out. Served as a file (the pages'
// Content-Security-Policy allows no inline script).
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// The server ends a session after this many idle seconds; warn two minutes
// before. Any page load starts the count again.
const warning = document.getElementById('timeout-warning')
if (warning) {
  const idle = Number(warning.dataset.idleSeconds || '0')
  if (idle > 180) {
    setTimeout(() => {
      warning.hidden = false
      warning.focus()
    }, (idle - 120) * 1000)
    setTimeout(() => {
      window.location.assign('/sign-in?ended=1')
    }, idle * 1000)
  }
}
