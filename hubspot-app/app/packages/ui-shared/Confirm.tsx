import { Button, Modal, ModalBody, ModalFooter, Text } from '@hubspot/ui-extensions';

/**
 * A button that asks first: it opens a modal that says what will happen, and only its confirm
 * button acts. `id` names the modal (unique on the page).
 */
export function Confirm(props: {
  id: string;
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  const { id, label, title, body, confirmLabel, onConfirm, disabled = false, danger = false } = props;
  const modal = (
    <Modal id={id} title={title} {...(danger ? { variant: 'danger' as const } : {})}>
      <ModalBody>
        <Text>{body}</Text>
      </ModalBody>
      <ModalFooter>
        <Button
          variant={danger ? 'destructive' : 'primary'}
          onClick={(_event, reactions) => {
            reactions?.closeModal?.(id);
            onConfirm();
          }}
        >
          {confirmLabel}
        </Button>
        <Button onClick={(_event, reactions) => reactions?.closeModal?.(id)}>Cancel</Button>
      </ModalFooter>
    </Modal>
  );
  return (
    <Button disabled={disabled} overlay={modal}>
      {label}
    </Button>
  );
}
