// The counter's staff screens, one chunk: the teller's sign-in and the staff menu (with the
// staff sign-in they share). Loaded by LazyStaff.tsx.
export { SignInView } from './SignInView.tsx';
export { StaffMenu } from './StaffMenu.tsx';
