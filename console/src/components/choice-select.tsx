export interface Choice {
  value: string;
  label: string;
}

/**
 * A labelled select whose first option is "no choice" (any / from the file / detect), used by every filter and
 * upload form. Controlled when `value` is given, else a plain form field read from the form's data.
 */
export function ChoiceSelect({ label, name, choices, emptyLabel, value, onChange }: { label: string; name: string; choices: readonly Choice[]; emptyLabel: string; value?: string | undefined; onChange?: (value: string | undefined) => void }) {
  const control = value === undefined && onChange === undefined ? { defaultValue: '' } : { value: value ?? '', onChange: (event: { target: { value: string } }) => onChange?.(event.target.value || undefined) };
  return (
    <label>
      {label}
      <select name={name} {...control}>
        <option value="">{emptyLabel}</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
