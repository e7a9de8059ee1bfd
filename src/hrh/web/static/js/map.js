// The world map's indicator chooser: show the chosen indicator at once (without JavaScript,
// the form's "Show" button does the same).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("indicator");
  if (select && select.form) {
    select.addEventListener("change", () => select.form.submit());
  }
});
